// A real OpenID provider for the single sign-on tests: panva/oidc-provider (OpenID-certified),
// on 127.0.0.1 at a free port, with its built-in sign-in form (any password is accepted for a
// known login). Started by tests/oidc_provider.py; not part of the portal.
//
// Configuration (one JSON document in the environment variable OIDC_TEST_CONFIG):
//   clients:  [{client_id, client_secret, redirect_uris, post_logout_redirect_uris}]
//   accounts: {login: {email, email_verified, name, given_name, family_name}}
//
// Prints one line `{"issuer": "http://127.0.0.1:PORT"}` on stdout once it listens.
//
// Fault injection, for the refusal tests only: POST /__test__/fault with {"fault": NAME}
// makes the token endpoint hand out an ID token that is still signed with the provider's real
// key but was minted for another application (NAME "wrong_audience") or expired an hour ago
// (NAME "expired"); {"fault": null} goes back to normal. Everything else is the library's own,
// standards-compliant behaviour: discovery, PKCE, state, nonce, JWKS, userinfo, end_session.
import { createServer } from 'node:http';

import { SignJWT, decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair } from 'jose';
import Provider from 'oidc-provider';

const config = JSON.parse(process.env.OIDC_TEST_CONFIG || '{}');
const accounts = config.accounts || {};

const { privateKey } = await generateKeyPair('RS256', { extractable: true });
const signingJwk = { ...(await exportJWK(privateKey)), kid: 'test-signing-key', alg: 'RS256', use: 'sig' };

let fault = null;

function page(title, body) {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head>`
    + `<body><main><h1>${title}</h1>${body}</main></body></html>`;
}

const server = createServer();
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  const issuer = `http://127.0.0.1:${port}`;
  const provider = new Provider(issuer, {
    clients: (config.clients || []).map((c) => ({
      client_id: c.client_id,
      client_secret: c.client_secret,
      redirect_uris: c.redirect_uris,
      post_logout_redirect_uris: c.post_logout_redirect_uris || [],
      token_endpoint_auth_method: c.token_endpoint_auth_method || 'client_secret_post',
      grant_types: ['authorization_code'],
      response_types: ['code'],
    })),
    jwks: { keys: [signingJwk] },
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name', 'given_name', 'family_name'],
    },
    pkce: { required: () => true },
    cookies: { keys: ['test-only-cookie-key'] },
    features: {
      devInteractions: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: async (ctx, form) => {
          ctx.body = page(
            'Sign out of the test provider?',
            `${form}<button type="submit" form="op.logoutForm" value="yes" name="logout">Yes, sign me out</button>`,
          );
        },
        postLogoutSuccessSource: async (ctx) => {
          ctx.body = page('Signed out of the test provider', '<p>Done.</p>');
        },
      },
    },
    async findAccount(ctx, sub) {
      const claims = accounts[sub];
      if (!claims) {
        return undefined;
      }
      return { accountId: sub, async claims() { return { sub, ...claims }; } };
    },
    // The portal is a first-party application: no consent screen.
    async loadExistingGrant(ctx) {
      const grant = new ctx.oidc.provider.Grant({
        clientId: ctx.oidc.client.clientId,
        accountId: ctx.oidc.session.accountId,
      });
      grant.addOIDCScope('openid email profile');
      grant.addOIDCClaims(['email', 'email_verified', 'name', 'given_name', 'family_name']);
      await grant.save();
      return grant;
    },
  });

  provider.use(async (ctx, next) => {
    if (ctx.path === '/__test__/fault' && ctx.method === 'POST') {
      const chunks = [];
      for await (const chunk of ctx.req) chunks.push(chunk);
      fault = JSON.parse(Buffer.concat(chunks).toString() || '{}').fault ?? null;
      ctx.body = { fault };
      return;
    }
    await next();
    if (fault && ctx.oidc?.route === 'token' && ctx.status === 200 && ctx.body?.id_token) {
      const header = decodeProtectedHeader(ctx.body.id_token);
      const claims = decodeJwt(ctx.body.id_token);
      if (fault === 'wrong_audience') {
        // Only the audience changes: an `azp` naming the portal, if any, stays.
        claims.aud = 'another-application';
      } else if (fault === 'expired') {
        claims.iat -= 7200;
        claims.exp = claims.iat + 3600;
      }
      ctx.body.id_token = await new SignJWT(claims)
        .setProtectedHeader({ alg: header.alg, kid: header.kid, typ: header.typ })
        .sign(privateKey);
    }
  });

  server.on('request', provider.callback());
  process.stdout.write(`${JSON.stringify({ issuer })}\n`);
});

process.on('SIGTERM', () => server.close(() => process.exit(0)));
