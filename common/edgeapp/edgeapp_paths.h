/* edgeapp_paths.h -- the resource paths of the EDGE APIs, one place for the strings every client
 * and server of them writes: the API root and version of each OpenAPI file (TS 24.558 and
 * TS 29.558, servers: {apiRoot}/<api-name>/v1) followed by the resource of the operation. */
#ifndef EDGE_EDGEAPP_PATHS_H
#define EDGE_EDGEAPP_PATHS_H

/* EDGE-4 (TS 24.558 Eecs_ServiceProvisioning) and ECS-to-ECS (TS 29.558). */
#define EDGEAPP_PATH_SERVPROV "/eecs-serviceprovisioning/v1/request"
#define EDGEAPP_PATH_SERVPROV_SUBS "/eecs-serviceprovisioning/v1/subscriptions"
#define EDGEAPP_PATH_ECSPROV "/eecs-ecsserviceprovisioning/v1/request"
/* EDGE-6 (TS 29.558 Eecs_EESRegistration, Eecs_TargetEESDiscovery). */
#define EDGEAPP_PATH_EESREG "/eecs-eesregistration/v1/registrations"
#define EDGEAPP_PATH_TARGETDISC "/eecs-targeteesdiscovery/v1/ees-profiles"
/* EDGE-1 (TS 24.558 Eees_EECRegistration, Eees_EASDiscovery, Eees_AppContextRelocation,
 * Eees_ACREvents). */
#define EDGEAPP_PATH_EECREG "/eees-eecregistration/v1/registrations"
#define EDGEAPP_PATH_EASDISC "/eees-easdiscovery/v1/eas-profiles/request-discovery"
#define EDGEAPP_PATH_EASDISC_SUBS "/eees-easdiscovery/v1/subscriptions"
#define EDGEAPP_PATH_ACR "/eees-appctxtreloc/v1"
#define EDGEAPP_PATH_ACR_INITIATE EDGEAPP_PATH_ACR "/initiate"
#define EDGEAPP_PATH_ACREVENTS_SUBS "/eees-acrevents/v1/subscriptions"
/* EDGE-3 (TS 29.558 Eees_EASRegistration, Eees_ACRManagementEvent, Eees_ACRStatusUpdate). */
#define EDGEAPP_PATH_EASREG "/eees-easregistration/v1/registrations"
#define EDGEAPP_PATH_ACRMGNT_SUBS "/eees-acrmgntevent/v1/subscriptions"
#define EDGEAPP_PATH_ACRSTATUS "/eees-acrstatus-update/v1/request-acrupdate"
/* EDGE-9 (TS 29.558 Eees_EECContextRelocation). */
#define EDGEAPP_PATH_EECCONTEXTS "/eees-eeccontextreloc/v1/eec-contexts"

#endif
