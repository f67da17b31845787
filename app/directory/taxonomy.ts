// Reference vocabularies shared by server and browser. Codes are stable identifiers; names are what people read.

export const SHANARRI = [
  { code: "safe", name: "Safe", description: "Protected from abuse, neglect or harm at home, at school and in the community." },
  { code: "healthy", name: "Healthy", description: "Having the highest attainable standards of physical and mental health." },
  { code: "achieving", name: "Achieving", description: "Being supported and guided in learning and in developing skills, confidence and self-esteem." },
  { code: "nurtured", name: "Nurtured", description: "Having a nurturing place to live, in a family setting, with additional help if needed." },
  { code: "active", name: "Active", description: "Having opportunities to take part in activities such as play, recreation and sport." },
  { code: "respected", name: "Respected", description: "Having the opportunity to be heard and involved in decisions that affect them." },
  {
    code: "responsible",
    name: "Responsible",
    description: "Having opportunities to take an active and responsible role at home, in school and in the community.",
  },
  { code: "included", name: "Included", description: "Having help to overcome social, educational, physical and economic inequalities." },
] as const;

export type ShanarriCode = (typeof SHANARRI)[number]["code"];
export const SHANARRI_CODES = SHANARRI.map((s) => s.code) as [ShanarriCode, ...ShanarriCode[]];

export const CATEGORIES = [
  { code: "parenting", name: "Parenting support" },
  { code: "early-years", name: "Early years and play" },
  { code: "mental-health", name: "Emotional wellbeing and mental health" },
  { code: "young-carers", name: "Young carers" },
  { code: "domestic-abuse", name: "Domestic abuse support" },
  { code: "money-advice", name: "Money, benefits and debt advice" },
  { code: "youth-work", name: "Youth work and activities" },
  { code: "disability", name: "Disability and additional support needs" },
  { code: "family-learning", name: "Family learning and literacy" },
  { code: "bereavement", name: "Bereavement and loss" },
  { code: "substance-use", name: "Family support around alcohol and drugs" },
  { code: "food-and-essentials", name: "Food, clothing and essentials" },
  { code: "housing", name: "Housing and homelessness" },
  { code: "new-scots", name: "Refugee and New Scots families" },
] as const;

export type CategoryCode = (typeof CATEGORIES)[number]["code"];
export const CATEGORY_CODES = CATEGORIES.map((c) => c.code) as [CategoryCode, ...CategoryCode[]];

export const CAPACITY_LABELS = {
  accepting: "Accepting referrals",
  waiting_list: "Waiting list",
  not_accepting: "Not accepting referrals",
} as const;

export type Capacity = keyof typeof CAPACITY_LABELS;
