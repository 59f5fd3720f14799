import { FormField } from "@/components/form-field";
import { PASSWORD_RULE } from "@/lib/auth/schemas";

/**
 * The new password and its repeat, as every form that sets a password asks for them (reset
 * link, profile): the same names, the rule as hint, the password-manager hints.
 */
export function NewPasswordFields({
  errors,
}: {
  errors?: { newPassword?: string[]; confirmPassword?: string[] };
}) {
  return (
    <>
      <FormField
        name="newPassword"
        label="New password"
        type="password"
        autoComplete="new-password"
        required
        hint={PASSWORD_RULE}
        errors={errors?.newPassword}
      />
      <FormField
        name="confirmPassword"
        label="Repeat the new password"
        type="password"
        autoComplete="new-password"
        required
        errors={errors?.confirmPassword}
      />
    </>
  );
}
