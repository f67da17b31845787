export * from "./directory";
export * from "./accounts";
export * from "./audit";
export * from "./mail";
export * from "./approvals";
export * from "./jobs";
export * from "./referrals";
export * from "./reports";
