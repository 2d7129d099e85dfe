"""The API's own OpenAPI schema, and a check that a response conforms to it.

jsonschema validates each response body against the schema of its operation and status in the
generated document (OpenAPI 3.1, whose schemas are JSON Schema 2020-12): the references
(`#/components/schemas/...`) resolve inside the document itself."""

import functools
import re

import jsonschema
from drf_spectacular.generators import SchemaGenerator


@functools.cache
def openapi():
    return SchemaGenerator().get_schema(request=None, public=True)


@functools.cache
def _routes():
    routes = []
    for template, operations in openapi()["paths"].items():
        parts = re.split(r"(\{[^}]+\})", template)
        pattern = "".join("[^/]+" if p.startswith("{") else re.escape(p) for p in parts)
        routes.append((re.compile(f"^{pattern}$"), operations))
    return routes


def operation_for(path, method="get"):
    for pattern, operations in _routes():
        if pattern.match(path):
            return operations[method]
    raise AssertionError(f"{path} is not in the API schema")


def assert_conforms(response, method="get"):
    """The response's body is what the schema says for its path, method and status."""
    operation = operation_for(response.request["PATH_INFO"], method)
    documented = operation["responses"].get(str(response.status_code))
    if response.status_code == 200:
        assert documented, f"{response.request['PATH_INFO']} 200 is not documented"
    if not documented or "content" not in documented:
        return
    schema = documented["content"]["application/json"]["schema"]
    document = {"components": openapi()["components"], **schema}
    jsonschema.Draft202012Validator(
        document, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    ).validate(response.json())


def get(client, url, **headers):
    """A response of the API, checked against its schema."""
    response = client.get(url, **headers)
    assert_conforms(response)
    return response


def all_rows(client, url, **headers):
    """Every row of a list endpoint, following the cursor to the last page, each page checked
    against the schema."""
    rows, seen_pages = [], 0
    while url:
        response = get(client, url, **headers)
        assert response.status_code == 200, (url, response.status_code)
        body = response.json()
        rows += body["results"]
        url = body["next"]
        seen_pages += 1
        assert seen_pages < 50
    return rows
