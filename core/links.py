"""Who may open an object's page, asked before a link to it is rendered (no dead ends).

Each app registers, for each model that has a page, the permission function its own view
uses: `register_viewer(Workplan, can_view_workplan)`. Templates ask through the `may_open`
filter and the `{% link_if %}` tag (core.templatetags.portal), so a link is shown only to a
person the page will let in; anyone else reads the same text without a link.

The functions must answer from what is already loaded (the person's roles are read once per
request and kept on the user; the object's own foreign-key ids), so a list of links costs no
query per row.
"""

from django.core.exceptions import ImproperlyConfigured

_viewers = {}


def register_viewer(model, check):
    """`check(user, obj) -> bool`: the same function the object's view refuses with."""
    _viewers[model] = check


def may_open(user, obj) -> bool:
    for klass in type(obj).__mro__:
        check = _viewers.get(klass)
        if check is not None:
            return bool(check(user, obj))
    raise ImproperlyConfigured(
        f"No viewer is registered for {type(obj).__name__}: call core.links.register_viewer "
        "in its app's ready() with the permission function of its page."
    )
