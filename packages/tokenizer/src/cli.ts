// The llmforge-tokenizer command line; filled in by the CLI work.
export {};
