"""The objects every cross-cutting test (permission matrix, fuzzer, CSRF) runs against: the
persona fixtures' council, priority and group, plus what each app adds through an optional
`<app>/tests/fuzz_world.py: build(**world) -> dict`."""

from importlib import import_module


def build_world(personas, council, priority, group):
    world = {"council": council, "priority": priority, "group": group, **personas}
    for label in (
        "workinggroups",
        "councils",
        "signin",
        "people",
        "funding",
        "strategy",
        "notifications",
        "publication",
        "api",
    ):
        try:
            module = import_module(f"{label}.tests.fuzz_world")
        except ModuleNotFoundError:
            continue
        world.update(module.build(**world))
    return world
