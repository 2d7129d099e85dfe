from api.services import api_token_create


def build(**world):
    token, raw = api_token_create(user=world["member"], name="Member's dashboard")
    return {"api_token": token, "api_token_secret": raw}
