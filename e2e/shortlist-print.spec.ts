// A printed or shared shortlist carries everything a family needs to get in touch, and full links.
import { expect, test } from "./fixtures";

test("a shared shortlist prints each service's phone, email, address, opening hours, a full link and a QR code", async ({ page, baseURL }) => {
  await page.goto("/?q=parenting");
  const links = page.getByRole("list", { name: "Services" }).getByRole("heading").getByRole("link");
  const ids = (await links.evaluateAll((as) => as.slice(0, 2).map((a) => a.getAttribute("href")!.split("/").pop()!))) as string[];
  // The shared link opens the same shortlist in a browser that has never seen it.
  await page.goto(`/shortlist?ids=${ids.join(",")}`);
  await page.emulateMedia({ media: "print" });
  // Each service is a list item with a heading (its SHANARRI tags are a list of their own inside it).
  const items = page
    .getByRole("list", { name: "Shortlisted services" })
    .getByRole("listitem")
    .filter({ has: page.getByRole("heading") });
  await expect(items).toHaveCount(2);
  for (const [i, id] of ids.entries()) {
    const item = items.nth(i);
    await expect(item.getByText("Phone", { exact: true })).toBeVisible();
    await expect(item.getByText(/Address/)).toBeVisible();
    await expect(item.getByText(`${baseURL}/services/${id}`)).toBeVisible();
  }
  await expect(page.getByText("Opening hours").first()).toBeVisible();
  await expect(page.getByRole("img", { name: "QR code of the link to this shortlist" })).toBeVisible();
  await expect(page.getByText(`Scan to open this shortlist: ${baseURL}/shortlist?ids=${ids.join(",")}`)).toBeVisible();
});
