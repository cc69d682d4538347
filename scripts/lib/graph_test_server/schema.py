"""The application entity's properties as Graph v1.0 declares them (graph-v1.0-csdl-fragment.json).

Kept as data so $select, request validation and the default representation agree.
"""

import copy

# Order is the order real Graph writes a default (no $select) application representation.
DEFAULT_PROPERTIES = [
    "id", "deletedDateTime", "appId", "applicationTemplateId", "disabledByMicrosoftStatus",
    "createdDateTime", "displayName", "description", "groupMembershipClaims", "identifierUris",
    "isDeviceOnlyAuthSupported", "isFallbackPublicClient", "nativeAuthenticationApisEnabled", "notes",
    "publisherDomain", "serviceManagementReference", "signInAudience", "tags", "tokenEncryptionKeyId",
    "samlMetadataUrl", "defaultRedirectUri", "certification", "optionalClaims",
    "servicePrincipalLockConfiguration", "requestSignatureVerification", "addIns", "api", "appRoles",
    "info", "keyCredentials", "parentalControlSettings", "passwordCredentials", "publicClient",
    "requiredResourceAccess", "verifiedPublisher", "web", "spa",
]

# In the CSDL but only returned when selected, as Graph does for newer or rarely used properties.
SELECT_ONLY_PROPERTIES = ["authenticationBehaviors", "createdByAppId", "isDisabled", "managerApplications", "uniqueName"]

SELECTABLE = DEFAULT_PROPERTIES + SELECT_ONLY_PROPERTIES
_CANONICAL = {name.lower(): name for name in SELECTABLE}

# What the service owns; a client that sends these gets a 400, as from Graph.
READ_ONLY = {
    "id", "deletedDateTime", "appId", "applicationTemplateId", "disabledByMicrosoftStatus",
    "createdDateTime", "publisherDomain", "createdByAppId", "uniqueName",
}

# CSDL kinds, used to refuse wrongly typed values the way Graph's deserialiser does.
STRING_PROPERTIES = {
    "description", "displayName", "groupMembershipClaims", "notes", "serviceManagementReference",
    "signInAudience", "samlMetadataUrl", "defaultRedirectUri", "tokenEncryptionKeyId",
    "nativeAuthenticationApisEnabled",
}
BOOLEAN_PROPERTIES = {"isDeviceOnlyAuthSupported", "isFallbackPublicClient", "isDisabled", "oauth2RequirePostResponse"}
COLLECTION_PROPERTIES = {
    "addIns", "appRoles", "identifierUris", "keyCredentials", "passwordCredentials",
    "requiredResourceAccess", "tags", "managerApplications",
}
COMPLEX_PROPERTIES = {
    "api", "certification", "info", "optionalClaims", "parentalControlSettings", "publicClient",
    "requestSignatureVerification", "servicePrincipalLockConfiguration", "spa", "verifiedPublisher",
    "web", "authenticationBehaviors",
}
WRITABLE = (STRING_PROPERTIES | BOOLEAN_PROPERTIES | COLLECTION_PROPERTIES | COMPLEX_PROPERTIES) - READ_ONLY

SIGN_IN_AUDIENCES = {
    "AzureADMyOrg", "AzureADMultipleOrgs", "AzureADandPersonalMicrosoftAccount", "PersonalMicrosoftAccount",
}
PERSONAL_AUDIENCES = {"AzureADandPersonalMicrosoftAccount", "PersonalMicrosoftAccount"}

_DEFAULTS = {
    "applicationTemplateId": None,
    "disabledByMicrosoftStatus": None,
    "description": None,
    "groupMembershipClaims": None,
    "identifierUris": [],
    "isDeviceOnlyAuthSupported": None,
    "isFallbackPublicClient": None,
    "nativeAuthenticationApisEnabled": None,
    "notes": None,
    "serviceManagementReference": None,
    "signInAudience": "AzureADMyOrg",
    "tags": [],
    "tokenEncryptionKeyId": None,
    "samlMetadataUrl": None,
    "defaultRedirectUri": None,
    "certification": None,
    "optionalClaims": None,
    "servicePrincipalLockConfiguration": None,
    "requestSignatureVerification": None,
    "addIns": [],
    "api": {
        "acceptMappedClaims": None,
        "knownClientApplications": [],
        "requestedAccessTokenVersion": None,
        "oauth2PermissionScopes": [],
        "preAuthorizedApplications": [],
    },
    "appRoles": [],
    "info": {"logoUrl": None, "marketingUrl": None, "privacyStatementUrl": None, "supportUrl": None, "termsOfServiceUrl": None},
    "parentalControlSettings": {"countriesBlockedForMinors": [], "legalAgeGroupRule": "Allow"},
    "publicClient": {"redirectUris": []},
    "requiredResourceAccess": [],
    "verifiedPublisher": {"displayName": None, "verifiedPublisherId": None, "addedDateTime": None},
    "web": {
        "homePageUrl": None,
        "logoutUrl": None,
        "redirectUris": [],
        "implicitGrantSettings": {"enableAccessTokenIssuance": False, "enableIdTokenIssuance": False},
        "redirectUriSettings": [],
    },
    "spa": {"redirectUris": []},
    "authenticationBehaviors": None,
    "isDisabled": None,
    "managerApplications": [],
    "uniqueName": None,
}


def canonical_name(name: str):
    """Graph matches property names case-insensitively in $select; answers use the declared spelling."""
    return _CANONICAL.get(name.strip().lower())


def default_value(name: str):
    return copy.deepcopy(_DEFAULTS.get(name))


def shared_default(name: str):
    """The default itself, not a copy: for rendering only, where nothing mutates it.
    Copying ~37 defaults per application was most of the cost of a 999-item page."""
    return _DEFAULTS.get(name)
