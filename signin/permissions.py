from councils.permissions import is_secretariat


def can_manage_sign_in(user) -> bool:
    """See how a person signs in, remove their single sign-on link, reset their second
    factor: the secretariat."""
    return is_secretariat(user)
