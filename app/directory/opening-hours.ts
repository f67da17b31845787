// "Open now" / "Opens Monday 9:00", worked out in the service's own time zone whatever the server's clock zone is.
import { WEEKDAYS, formatTime } from "./format";

export interface OpeningSession {
  weekday: number; // ISO: 1 = Monday … 7 = Sunday
  opensAt: string; // "09:00:00"
  closesAt: string;
}

export interface OpeningStatus {
  open: boolean;
  text: string;
}

export const SERVICE_TIME_ZONE = "Europe/London";

const minutes = (hhmmss: string) => {
  const [h, m] = hhmmss.split(":");
  return Number(h) * 60 + Number(m);
};

const SHORT_DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/** The ISO weekday and minutes past midnight at `now` in the time zone. */
export function localWeekdayAndMinutes(now: Date, timeZone = SERVICE_TIME_ZONE): { weekday: number; minutes: number } {
  const parts = new Intl.DateTimeFormat("en-GB", { timeZone, weekday: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).formatToParts(now);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  return { weekday: SHORT_DAYS.indexOf(get("weekday")) + 1, minutes: Number(get("hour")) * 60 + Number(get("minute")) };
}

/** Whether a service is open now and, if not, when it opens next (weekday null: later today), in words of no language. */
export interface OpeningStatusParts {
  open: boolean;
  /** Closing time when open, next opening time when closed, as h:mm. */
  time: string;
  weekday: number | null;
}

export function openingStatusParts(sessions: OpeningSession[], now: Date, timeZone = SERVICE_TIME_ZONE): OpeningStatusParts | null {
  if (sessions.length === 0) return null;
  const today = localWeekdayAndMinutes(now, timeZone);
  const current = sessions
    .filter((s) => s.weekday === today.weekday && minutes(s.opensAt) <= today.minutes && today.minutes < minutes(s.closesAt))
    .sort((a, b) => minutes(b.closesAt) - minutes(a.closesAt))[0];
  if (current) return { open: true, time: formatTime(current.closesAt), weekday: null };
  for (let ahead = 0; ahead <= 7; ahead++) {
    const weekday = ((today.weekday - 1 + ahead) % 7) + 1;
    const next = sessions
      .filter((s) => s.weekday === weekday && (ahead > 0 || minutes(s.opensAt) > today.minutes))
      .sort((a, b) => minutes(a.opensAt) - minutes(b.opensAt))[0];
    if (next) return { open: false, time: formatTime(next.opensAt), weekday: ahead === 0 ? null : weekday };
  }
  return null;
}

/** The same in English words ("Open now, until 17:00", "Closed now. Opens Monday 9:00"). */
export function openingStatus(sessions: OpeningSession[], now: Date, timeZone = SERVICE_TIME_ZONE): OpeningStatus | null {
  const parts = openingStatusParts(sessions, now, timeZone);
  if (!parts) return null;
  if (parts.open) return { open: true, text: `Open now, until ${parts.time}` };
  return { open: false, text: `Closed now. Opens ${parts.weekday === null ? "today" : WEEKDAYS[parts.weekday - 1]} ${parts.time}` };
}
