// Providers propose changes to their organisation's services; coordinators approve them. The front door of
// service editing, by concept: reading a service for its form (service-reading), proposing changes
// (service-proposals), coordinators' review and decisions (service-review), and applying an approved form to the
// record (service-apply).
export {
  type StoredProposal,
  canEditService,
  getServiceForEditing,
  listManagedServices,
  organisationLocations,
  serviceFormChoices,
} from "./service-reading.server";
export { type ProposalResult, createService, proposeServiceChange, updateCapacity } from "./service-proposals.server";
export {
  type DecisionResult,
  decideImportedService,
  decideRevision,
  importedServicesAwaitingApproval,
  pendingServiceRevisions,
  revisionForReview,
} from "./service-review.server";
export { mergeTouched } from "./service-apply.server";
