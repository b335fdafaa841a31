import { expect, test, signUp, uniqueEmail } from "./fixtures";

// The account menu and the organization switcher follow the WAI-ARIA menu button pattern (components/menu.tsx): they
// are driven from the keyboard alone, and close as a pointer user expects.

test("the account menu and the organization switcher work from the keyboard and with a pointer", async ({ page }) => {
  await page.goto("/sign-up");
  await signUp(page, { name: "Mia Menu", email: uniqueEmail("menu") });
  await expect(page.getByRole("heading", { level: 1, name: "Mia Menu's workspace" })).toBeVisible();
  const orgPath = new URL(page.url()).pathname;

  const account = page.getByRole("button", { name: "Account menu" });
  const accountMenu = page.getByRole("menu", { name: "Account menu" });
  await expect(account).toHaveAttribute("aria-haspopup", "menu");
  await expect(account).toHaveAttribute("aria-expanded", "false");
  await expect(accountMenu).toBeHidden();

  // Enter opens on the first item; the arrows move (and wrap); Escape closes and gives the focus back to the button.
  await account.focus();
  await page.keyboard.press("Enter");
  await expect(accountMenu).toBeVisible();
  await expect(account).toHaveAttribute("aria-expanded", "true");
  await expect(accountMenu.getByRole("menuitem", { name: "Settings" })).toBeFocused();
  await page.keyboard.press("ArrowDown");
  await expect(accountMenu.getByRole("menuitem", { name: "Sign out" })).toBeFocused();
  await page.keyboard.press("ArrowDown");
  await expect(accountMenu.getByRole("menuitem", { name: "Settings" })).toBeFocused();
  await page.keyboard.press("End");
  await expect(accountMenu.getByRole("menuitem", { name: "Sign out" })).toBeFocused();
  await page.keyboard.press("Home");
  await expect(accountMenu.getByRole("menuitem", { name: "Settings" })).toBeFocused();
  // A typed letter moves to the next item that starts with it.
  await page.keyboard.press("s");
  await expect(accountMenu.getByRole("menuitem", { name: "Sign out" })).toBeFocused();
  await page.keyboard.press("Escape");
  await expect(accountMenu).toBeHidden();
  await expect(account).toBeFocused();

  // ArrowUp opens on the last item; Tab closes the menu and moves on.
  await page.keyboard.press("ArrowUp");
  await expect(accountMenu.getByRole("menuitem", { name: "Sign out" })).toBeFocused();
  await page.keyboard.press("Tab");
  await expect(accountMenu).toBeHidden();

  // A pointer: a click opens it, a click elsewhere closes it; choosing an item closes it too.
  await account.click();
  await expect(accountMenu).toBeVisible();
  await page.getByRole("heading", { level: 1 }).click();
  await expect(accountMenu).toBeHidden();
  await account.click();
  await accountMenu.getByRole("menuitem", { name: "Settings" }).click();
  await expect(page).toHaveURL(`${orgPath}/settings`);
  await expect(accountMenu).toBeHidden();

  // The organization switcher: Space opens it, End reaches "New organization", Enter follows the link.
  const switcher = page.getByRole("button", { name: /Switch organization/ });
  await switcher.focus();
  await page.keyboard.press(" ");
  const orgMenu = page.getByRole("menu", { name: /Switch organization/ });
  await expect(orgMenu.getByRole("menuitem", { name: "Mia Menu's workspace" })).toBeFocused();
  await page.keyboard.press("End");
  await expect(orgMenu.getByRole("menuitem", { name: "New organization" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/app\/new$/);

  // Signing out from the keyboard.
  await page.goto(orgPath);
  await account.focus();
  await page.keyboard.press("ArrowUp");
  await expect(accountMenu.getByRole("menuitem", { name: "Sign out" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/$/);
});
