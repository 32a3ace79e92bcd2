import type { RouteDoc } from '../openapi';
import { API_DOCS_ROUTES } from './api-docs';
import { HEALTH_ROUTES, WEBHOOK_ROUTES } from './intake';
import { MONITORING_ROUTES, openApiRoute } from './monitoring';
import { erasePhoneRoute } from './privacy';
import { METRICS_ROUTE, TWILIO_STATUS_ROUTE, TWILIO_INBOUND_ROUTE } from './others';

/** Every route the API serves, for the OpenAPI document. A new route adds its entry here. */
export const ROUTE_DOCS: readonly RouteDoc[] = [
  ...WEBHOOK_ROUTES,
  TWILIO_STATUS_ROUTE,
  TWILIO_INBOUND_ROUTE,
  ...HEALTH_ROUTES,
  ...MONITORING_ROUTES,
  erasePhoneRoute,
  openApiRoute,
  ...API_DOCS_ROUTES,
  METRICS_ROUTE,
];
