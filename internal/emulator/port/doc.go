// Package portemu is an in-process emulator of Port's REST API (the subset a
// catalog sync uses), speaking the real wire format so the production Port
// client runs against it unmodified. It never imports production packages.
//
// Behaviour where real Port is unverified, decided here:
//   - $datasource is set to the User-Agent of every successful write (last writer wins).
//   - Every successful write bumps updatedAt, even when nothing changed (Ocean assumes so).
//   - A single upsert answers 201 when it created the entity and 200 when it updated it.
//   - An all-failed bulk upsert answers Options.AllFailedStatus (207 by default).
//   - Deleting an entity that has dependents outside the deleted set without
//     delete_dependents answers Options.DependentsStatus (422 by default);
//     dependents that are themselves being deleted in the same call do not count.
//   - Bulk delete's deletedEntities lists the requested ids that were deleted,
//     not the dependents a cascade removed.
//   - Rendered entities carry "datasource" ($datasource) and a "team" array;
//     title/icon are null when unset. A null property or relation in a merge
//     removes the key.
//   - Relations are strict: many=false given an array, or many=true given a
//     string, is 422. Search-query relation values are stored unresolved.
//   - Unknown search operators are 422, so a client relying on one the
//     emulator lacks fails loudly instead of matching nothing.
//   - Deleting a blueprint that still has entities is 409 has_entities.
//
// Routes (all under /v1, bearer token required except the token route):
//
//	POST   /auth/access_token                          token (same token until expiry)
//	GET    /organization                               {organization:{id, name, featureFlags}} (Options.FeatureFlags, default [])
//	GET    /integration/provision-enabled
//	POST   /integration                                create (201, 409 if it exists)
//	GET    /integration/{id}                           404 not_found when missing; every integration answer
//	                                                   carries logAttributes {ingestId, ingestUrl} and
//	                                                   metricAttributes {ingestUrl} (see ingest.go)
//	PATCH  /integration/{id}                           replace the given top-level fields
//	PATCH  /integration/{id}/config                    {config}
//	PATCH  /integration/{id}/resync-state              store as resyncState + updatedAt
//	GET    /integration/{id}/resync-request            {request:{id, updatedAt}} (RequestResync bumps it)
//	POST   /integration/{id}/kinds/{kind}/examples     accepted and dropped
//	GET    /blueprints, POST /blueprints               list; create (201/409/422, 404 unknown relation target)
//	GET|PATCH|PUT|DELETE /blueprints/{bp}              PATCH deep-merges schema.properties and relations
//	DELETE /blueprints/{bp}/all-entities
//	POST   /blueprints/{bp}/entities                   single upsert
//	POST   /blueprints/{bp}/entities/bulk              bulk upsert (1..20), 200/207
//	POST   /blueprints/{bp}/entities/search            paginated search (limit ≤ 1000, from/next)
//	GET|PATCH|PUT|DELETE /blueprints/{bp}/entities/{id}
//	POST   /blueprints/{bp}/bulk/entities/delete       1..100 ids
//	POST   /blueprints/entities/datasource-entities    ownership listing (prefix AND suffix, before)
//	POST   /entities/search                            global search, include/exclude projection
//
// Log and sync-metrics ingest lives under /ingest/ (see ingest.go), test hooks
// under /_emulator/ (see admin.go), and a catalog page at /.
package portemu
