import { z } from "zod";

// Shared by the forms (client-side hints) and the server (the check that counts).

export const emailSchema = z
  .string({ error: "Enter your email address" })
  .trim()
  .toLowerCase()
  .min(1, "Enter your email address")
  .max(254, "That email address is too long")
  .pipe(z.email("Enter a valid email address, like name@example.com"));

export const PASSWORD_RULE = "At least 10 characters, with at least one letter and one digit.";

export const newPasswordSchema = z
  .string({ error: "Choose a password" })
  // abort: one clear message per problem, not "too short" and "too weak" together.
  .min(10, { error: `Too short. ${PASSWORD_RULE}`, abort: true })
  // argon2 hashes any length, but unbounded input is a cheap denial of service.
  .max(128, { error: "Use at most 128 characters", abort: true })
  .refine((p) => /\p{L}/u.test(p) && /\p{Nd}/u.test(p), `Too weak. ${PASSWORD_RULE}`);

export const nameSchema = z
  .string({ error: "Enter your name" })
  .trim()
  .min(1, "Enter your name")
  .max(100, "Use at most 100 characters");

export const signUpSchema = z.object({
  name: nameSchema,
  email: emailSchema,
  password: newPasswordSchema,
});

export const logInSchema = z.object({
  email: emailSchema,
  password: z.string().min(1, "Enter your password").max(128, "Email or password is incorrect"),
});

export const changeNameSchema = z.object({ name: nameSchema });

export const changePasswordSchema = z
  .object({
    currentPassword: z.string().min(1, "Enter your current password").max(128),
    newPassword: newPasswordSchema,
    confirmPassword: z.string(),
  })
  .refine((v) => v.newPassword === v.confirmPassword, {
    path: ["confirmPassword"],
    message: "The two new passwords differ",
  })
  .refine((v) => v.newPassword !== v.currentPassword, {
    path: ["newPassword"],
    message: "The new password must differ from the current one",
  });

export const forgotPasswordSchema = z.object({ email: emailSchema });

export const resetPasswordSchema = z
  .object({
    // The link's token; its shape is checked where it is looked up.
    token: z.string().min(1).max(100),
    newPassword: newPasswordSchema,
    confirmPassword: z.string(),
  })
  .refine((v) => v.newPassword === v.confirmPassword, {
    path: ["confirmPassword"],
    message: "The two passwords differ",
  });

export const deleteAccountSchema = z.object({
  confirmation: z.string().trim(),
  password: z.string().min(1, "Enter your password").max(128),
});

// Where to go after signing in: only paths on this site, never another origin.
export const nextPathSchema = z
  .string()
  .regex(/^\/(?!\/)[^\s\\]*$/)
  .catch("/home");
