"use client";

import { createContext, useContext, useEffect, useId, useRef, useTransition, type ComponentProps, type ReactNode } from "react";
import { useActionState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button, type ButtonProps } from "@/components/ui/button";
import { Input, Label, Select, Textarea } from "@/components/ui/input";
import type { ActionState } from "@/lib/server-action";
import { clsx } from "clsx";


const FormContext = createContext<{ state: ActionState<unknown>; pending: boolean }>({ state: null, pending: false });

/**
 * A form bound to a server action, progressively enhanced: the server action is the form's `action`, so before
 * hydration or without JavaScript the browser POSTs it (never a GET with the fields in the URL) and the page comes
 * back with the action's result; the fields show what was submitted (passwords excepted, see withSubmittedValues).
 * Once hydrated it submits through onSubmit, without React's automatic form reset, so a failed submission keeps what
 * the user typed. Field errors from the action's zod validation appear next to their fields.
 */
export function ActionForm<T>({
  action,
  children,
  className,
  resetOnSuccess = false,
  showSuccess = true,
  onSuccess,
  ref,
  ...props
}: Omit<ComponentProps<"form">, "action" | "onSubmit"> & {
  action: (state: ActionState<T>, form: FormData) => Promise<ActionState<T>>;
  resetOnSuccess?: boolean;
  showSuccess?: boolean;
  onSuccess?: () => void;
}) {
  const [state, dispatch, pending] = useActionState<ActionState<T>, FormData>(action, null);
  const [, startTransition] = useTransition();
  const formRef = useRef<HTMLFormElement>(null);

  useEffect(() => {
    if (state?.ok) {
      if (resetOnSuccess) formRef.current?.reset();
      onSuccess?.();
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [state]);

  return (
    <FormContext.Provider value={{ state, pending }}>
      <form
        ref={(node) => {
          formRef.current = node;
          if (typeof ref === "function") ref(node);
          else if (ref) ref.current = node;
        }}
        noValidate
        className={className}
        action={dispatch}
        onSubmit={(event) => {
          if (event.defaultPrevented) return; // e.g. a confirm() declined in onSubmitCapture
          event.preventDefault();
          const data = new FormData(event.currentTarget);
          const submitter = (event.nativeEvent as SubmitEvent).submitter as HTMLButtonElement | null;
          if (submitter?.name) data.set(submitter.name, submitter.value);
          startTransition(() => dispatch(data));
        }}
        {...props}
      >
        {children}
        <FormMessage showSuccess={showSuccess} />
      </form>
    </FormContext.Provider>
  );
}

function FormMessage({ showSuccess }: { showSuccess: boolean }) {
  const { state } = useContext(FormContext);
  if (!state) return null;
  // col-span-full / basis-full: in grid and wrapping flex-row forms the message takes a row of its own.
  if (!state.ok) return <Alert tone="error" className="col-span-full mt-3 basis-full">{state.error}</Alert>;
  if (showSuccess && state.message) return <Alert tone="success" className="col-span-full mt-3 basis-full">{state.message}</Alert>;
  return null;
}

export function SubmitButton({ children, pendingText, ...props }: ButtonProps & { pendingText?: string }) {
  const { pending } = useContext(FormContext);
  return (
    <Button type="submit" disabled={pending || props.disabled} aria-busy={pending} {...props}>
      {pending && pendingText ? pendingText : children}
    </Button>
  );
}

type FieldProps = { label: string; name: string; hint?: ReactNode; className?: string; srOnlyLabel?: boolean };

/**
 * What every field wires the same way: its id, the action's error for it (shown instead of the hint, and named by
 * aria-describedby either way), and what was submitted when the action failed (a no-JavaScript round trip loses the
 * typed values), kept unless the control is controlled (`value`) or `keep` is false (passwords never echo back).
 */
function useField(name: string, hint: ReactNode, { controlled, keep = true }: { controlled: boolean; keep?: boolean }) {
  const id = useId();
  const { state } = useContext(FormContext);
  const failed = state && !state.ok ? state : undefined;
  const error = failed?.fieldErrors?.[name]?.[0];
  const submitted = failed?.values?.[name];
  const control = {
    id,
    name,
    "aria-invalid": error ? true : undefined,
    "aria-describedby": error ? `${id}-error` : hint ? `${id}-hint` : undefined,
  };
  const kept = submitted !== undefined && keep && !controlled ? { defaultValue: submitted } : {};
  return { id, error, control, kept };
}

function FieldShell({ id, label, hint, error, className, srOnlyLabel, children }: Omit<FieldProps, "name"> & { id: string; error?: string; children: ReactNode }) {
  return (
    <div className={clsx("space-y-1.5", className)}>
      <Label htmlFor={id} className={srOnlyLabel ? "sr-only" : undefined}>{label}</Label>
      {children}
      {error ? (
        <p id={`${id}-error`} className="text-sm text-red-600">{error}</p>
      ) : hint ? (
        <p id={`${id}-hint`} className="text-xs text-zinc-500">{hint}</p>
      ) : null}
    </div>
  );
}

export function TextField({
  label,
  name,
  hint,
  className,
  inputClassName,
  srOnlyLabel,
  ...input
}: FieldProps & { inputClassName?: string } & Omit<ComponentProps<"input">, "name">) {
  const { id, error, control, kept } = useField(name, hint, { controlled: input.value !== undefined, keep: input.type !== "password" });
  return (
    <FieldShell id={id} label={label} hint={hint} error={error} className={className} srOnlyLabel={srOnlyLabel}>
      <Input {...control} className={inputClassName} {...input} {...kept} />
    </FieldShell>
  );
}

export function TextAreaField({ label, name, hint, className, srOnlyLabel, ...textarea }: FieldProps & Omit<ComponentProps<"textarea">, "name">) {
  const { id, error, control, kept } = useField(name, hint, { controlled: textarea.value !== undefined });
  return (
    <FieldShell id={id} label={label} hint={hint} error={error} className={className} srOnlyLabel={srOnlyLabel}>
      <Textarea {...control} {...textarea} {...kept} />
    </FieldShell>
  );
}

export function SelectField({ label, name, hint, className, srOnlyLabel, children, ...select }: FieldProps & Omit<ComponentProps<"select">, "name">) {
  const { id, error, control, kept } = useField(name, hint, { controlled: select.value !== undefined });
  return (
    <FieldShell id={id} label={label} hint={hint} error={error} className={className} srOnlyLabel={srOnlyLabel}>
      <Select {...control} {...select} {...kept}>
        {children}
      </Select>
    </FieldShell>
  );
}
