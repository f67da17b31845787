// A shortlist as printed or shared: each service with the ways to reach it, and a QR code of the shortlist's link.
import QRCode from "qrcode";
import { getPublishedService } from "../directory/services.server";

/** The published services of a shortlist, in its order, with contact details, addresses and opening hours. */
export async function shortlistDetails(ids: string[]) {
  const services = await Promise.all(ids.map((id) => getPublishedService(id)));
  return services.flatMap((service) =>
    service
      ? [
          {
            id: service.id,
            phone: service.phone ?? service.contacts.find((c) => c.phone)?.phone ?? null,
            email: service.email ?? service.contacts.find((c) => c.email)?.email ?? null,
            addresses: service.locations.map((l) => [l.name, l.address1, l.city, l.postcode].filter(Boolean).join(", ")),
            hours: service.hours,
          },
        ]
      : [],
  );
}

/** An SVG QR code of a link, made on the server so it prints without JavaScript. */
export function qrCodeSvg(url: string): Promise<string> {
  return QRCode.toString(url, { type: "svg", margin: 1, errorCorrectionLevel: "M" });
}
