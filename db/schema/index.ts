export * from "./auth";
export * from "./organizations";
export * from "./projects";
export * from "./mail";
export * from "./activity";
export * from "./jobs";
export * from "./files";
export * from "./data-transfers";
