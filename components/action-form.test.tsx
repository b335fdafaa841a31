import { renderToStaticMarkup } from "react-dom/server";
import type { ReactElement } from "react";
import { describe, expect, it } from "vitest";
import { ActionForm, SelectField, TextAreaField, TextField } from "./action-form";

const noop = async () => null;

/** The control's aria-describedby and the id of the hint it should point at, from the server-rendered form. */
function describedBy(field: ReactElement) {
  const html = renderToStaticMarkup(<ActionForm action={noop}>{field}</ActionForm>);
  const control = /<(?:input|select|textarea)\b[^>]*>/.exec(html)![0];
  return {
    describedBy: /aria-describedby="([^"]*)"/.exec(control)?.[1],
    hintId: /<p id="([^"]*)"[^>]*>Shown to members<\/p>/.exec(html)?.[1],
    labelFor: /<label[^>]*for="([^"]*)"/.exec(html)?.[1],
    controlId: /\bid="([^"]*)"/.exec(control)?.[1],
  };
}

describe("form fields", () => {
  it.each<[string, ReactElement]>([
    ["TextField", <TextField key="t" label="Name" name="name" hint="Shown to members" />],
    ["TextAreaField", <TextAreaField key="a" label="Body" name="body" hint="Shown to members" />],
    [
      "SelectField",
      <SelectField key="s" label="Role" name="role" hint="Shown to members">
        <option value="member">Member</option>
      </SelectField>,
    ],
  ])("%s: the label names the control and the control is described by its hint", (_, field) => {
    const { describedBy: ref, hintId, labelFor, controlId } = describedBy(field);
    expect(hintId).toBeTruthy();
    expect(ref).toBe(hintId);
    expect(labelFor).toBe(controlId);
  });

  it("a field without a hint is described by nothing", () => {
    expect(describedBy(<TextField label="Name" name="name" />).describedBy).toBeUndefined();
  });
});
