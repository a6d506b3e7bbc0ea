// The CLI entry is main.ts (the package bin); nothing is exported from this layer.
export {};
