"""Microsoft's msgraph-beta-sdk pointed at the server's /beta, as the beta contract README describes: the
independent reader of the sign-in report. Imported only by the report's tests (the beta SDK is large)."""

import asyncio

from graph_harness import GRAPH_SCOPE, http


def beta_client(server):
    from kiota_abstractions.authentication import AccessTokenProvider, AllowedHostsValidator
    from kiota_abstractions.authentication.base_bearer_token_authentication_provider import (
        BaseBearerTokenAuthenticationProvider,
    )
    from msgraph_beta import GraphRequestAdapter, GraphServiceClient

    class AdminTokenProvider(AccessTokenProvider):
        """Asks the server's token endpoint for the admin's token on every call, so role changes show at once."""

        async def get_authorization_token(self, uri, additional_authentication_context=None):
            status, _, payload = http("POST", server.token_url, form={
                "grant_type": "client_credentials", "client_id": server.client_id,
                "client_secret": server.admin_secret, "scope": GRAPH_SCOPE})
            assert status == 200, payload
            return payload["access_token"]

        def get_allowed_hosts_validator(self):
            return AllowedHostsValidator(["127.0.0.1"])

    adapter = GraphRequestAdapter(BaseBearerTokenAuthenticationProvider(AdminTokenProvider()))
    adapter.base_url = server.authority + "/beta"
    return GraphServiceClient(request_adapter=adapter)


def report_config(**query):
    from kiota_abstractions.base_request_configuration import RequestConfiguration
    from msgraph_beta.generated.reports.app_credential_sign_in_activities.app_credential_sign_in_activities_request_builder import (  # noqa: E501
        AppCredentialSignInActivitiesRequestBuilder,
    )
    params = AppCredentialSignInActivitiesRequestBuilder.AppCredentialSignInActivitiesRequestBuilderGetQueryParameters(
        **query)
    return RequestConfiguration(query_parameters=params)


def run(server, fn):
    """Runs `async def fn(reports)` with the SDK's `client.reports.app_credential_sign_in_activities`."""
    async def main():
        return await fn(beta_client(server).reports.app_credential_sign_in_activities)

    return asyncio.run(main())


async def every_page(reports, **query):
    """All rows through the SDK, following each absolute @odata.nextLink verbatim; (rows, pages)."""
    page = await reports.get(report_config(**query))
    rows, pages = list(page.value), 1
    while page.odata_next_link:
        page = await reports.with_url(page.odata_next_link).get()
        rows += page.value
        pages += 1
    return rows, pages
