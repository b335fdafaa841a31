export * from "./auth";
export * from "./organizations";
export * from "./projects";
export * from "./mail";
export * from "./activity";
