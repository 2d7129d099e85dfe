from django import template

from strategy.models import ProgressState

register = template.Library()


@register.filter
def get_item(mapping, key):
    """`{{ counts|get_item:state }}`: a dict value by a key held in a variable."""
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.filter
def state_label(state):
    try:
        return ProgressState(state).label
    except ValueError:
        return state
