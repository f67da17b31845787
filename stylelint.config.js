// Stylelint for app/styles. Layout of the CSS text is Prettier's job; these rules catch mistakes.
/** @type {import("stylelint").Config} */
export default {
  extends: ["stylelint-config-standard"],
  rules: {
    // A selector written twice is how the reports' `.fort-filters` once broke the directory's layout.
    "no-duplicate-selectors": true,
    "selector-class-pattern": [
      "^(ds_[a-z0-9_-]+|leaflet-[a-z0-9-]+|visually-hidden|[a-z][a-z0-9]*(-[a-z0-9]+)*(__[a-z0-9]+(-[a-z0-9]+)*)?(--[a-z0-9]+(-[a-z0-9]+)*)?)$",
      {
        message: "Use BEM in kebab case for FORT's own classes (fort-block__element--modifier); ds_ and leaflet- classes belong to their libraries",
      },
    ],
    // One-line rules or not is a formatting question, answered by Prettier.
    "declaration-block-single-line-max-declarations": null,
    // The older notations work in every browser the design system supports (older iOS Safari on family phones);
    // the modern ones (`rgb(0 0 0 / 50%)`, `width <= 900px`) do not, so keep the older ones throughout.
    "color-function-notation": "legacy",
    "color-function-alias-notation": null,
    "alpha-value-notation": "number",
    "media-feature-range-notation": "prefix",
  },
};
