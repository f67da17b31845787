// Time as the app sees it. Tests replace it to move through hours in milliseconds.
export interface Clock {
  now(): Date;
}

const system: Clock = { now: () => new Date() };
let current: Clock = system;

export const clock: Clock = { now: () => current.now() };

export function setClock(replacement: Clock | null) {
  current = replacement ?? system;
}
