// ESLint 9 flat config. `npm run lint` runs it with Stylelint and `prettier --check`;
// formatting rules are left to Prettier (no stylistic rules here).
import js from "@eslint/js";
import jsxA11y from "eslint-plugin-jsx-a11y";
import react from "eslint-plugin-react";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";

// Imports after code hide a module's dependencies.
const importsFirst = {
  selector: "Program > :not(ImportDeclaration, ExportNamedDeclaration[source], ExportAllDeclaration) ~ ImportDeclaration",
  message: "Imports come first in a module, before any other statement.",
};
// `useX` is React's name for a hook; a server module, a test or a script has no hooks, so a `useX` there misleads
// (and the hooks rules would then police its callers).
const noHookNamesOutsideComponents = {
  selector: "FunctionDeclaration[id.name=/^use[A-Z]/], VariableDeclarator[id.name=/^use[A-Z]/] > :function",
  message: "Only React hooks are named useX; name this for what it does (setX, withX, …).",
};

export default tseslint.config(
  {
    ignores: [
      "build/**",
      "data/**",
      ".cache/**",
      "node_modules/**",
      "playwright-report/**",
      "test-results/**",
      "blob-report/**",
      "bench/results/**",
      "db/migrations/**",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.{ts,tsx,js,mjs}"],
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: "module",
      globals: { ...globals.browser, ...globals.node },
    },
    linterOptions: {
      // A disable comment that no longer suppresses anything is noise that hides the next real finding.
      reportUnusedDisableDirectives: "error",
    },
    rules: {
      // Unused names are errors, except the `_x` convention for deliberately ignored parameters.
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrorsIgnorePattern: "^_", ignoreRestSiblings: true },
      ],
      // `import type` keeps server-only modules out of the client bundle when only a type is needed.
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "separate-type-imports" }],
      "no-restricted-syntax": ["error", importsFirst],
      eqeqeq: ["error", "always", { null: "ignore" }],
      "no-console": "off",
    },
  },
  {
    files: ["**/*.tsx"],
    ...react.configs.flat.recommended,
    ...react.configs.flat["jsx-runtime"],
    plugins: { react, "react-hooks": reactHooks, "jsx-a11y": jsxA11y },
    settings: { react: { version: "18" } },
    languageOptions: {
      ...react.configs.flat.recommended.languageOptions,
      globals: { ...globals.browser },
    },
    rules: {
      ...react.configs.flat.recommended.rules,
      ...react.configs.flat["jsx-runtime"].rules,
      ...jsxA11y.flatConfigs.recommended.rules,
      // The classic hooks rules. The React Compiler rules of eslint-plugin-react-hooks 7 are not enabled:
      // FORT does not use the compiler, and they would flag patterns that are correct without it.
      "react-hooks/rules-of-hooks": "error",
      "react-hooks/exhaustive-deps": "error",
      // TypeScript checks props.
      "react/prop-types": "off",
      // Apostrophes and quotes are ordinary text in JSX (React escapes them); only the characters that are
      // usually a typo for code are refused.
      "react/no-unescaped-entities": ["error", { forbid: [">", "}"] }],
    },
  },
  {
    files: ["**/*.server.ts", "test/**/*.ts", "e2e/**/*.ts", "scripts/**", "bench/**", "db/**/*.ts"],
    rules: { "no-restricted-syntax": ["error", importsFirst, noHookNamesOutsideComponents] },
  },
  {
    // Tests read untyped action results and JSON bodies; an unexpected shape fails the assertion that reads it.
    files: ["test/**/*.ts", "e2e/**/*.ts"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
  {
    // Also check hooks rules in .ts files (hooks live in .tsx today, but a `useX` in a .ts must be a hook).
    files: ["app/**/*.ts"],
    plugins: { "react-hooks": reactHooks },
    rules: { "react-hooks/rules-of-hooks": "error" },
  },
);
