"""The msgraph-sdk classes the tests use, imported in one place (msgraph's import is slow; do it once)."""

from kiota_abstractions.base_request_configuration import RequestConfiguration
from msgraph.generated.applications.applications_request_builder import ApplicationsRequestBuilder
from msgraph.generated.applications.item.add_password.add_password_post_request_body import AddPasswordPostRequestBody
from msgraph.generated.applications.item.remove_password.remove_password_post_request_body import (
    RemovePasswordPostRequestBody,
)
from msgraph.generated.models.application import Application
from msgraph.generated.models.o_data_errors.o_data_error import ODataError
from msgraph.generated.models.password_credential import PasswordCredential

__all__ = ["RequestConfiguration", "ApplicationsRequestBuilder", "AddPasswordPostRequestBody",
           "RemovePasswordPostRequestBody", "Application", "ODataError", "PasswordCredential", "list_config"]


def list_config(consistency=False, **query):
    """RequestConfiguration for GET /applications with the given query options (top, select, filter...)."""
    params = ApplicationsRequestBuilder.ApplicationsRequestBuilderGetQueryParameters(**query)
    config = RequestConfiguration(query_parameters=params)
    if consistency:
        config.headers.add("ConsistencyLevel", "eventual")
    return config
