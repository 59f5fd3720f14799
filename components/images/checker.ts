// A light checkerboard behind images, so transparent areas and the image's edge are visible in
// both themes.
export const CHECKER =
  "bg-muted bg-[conic-gradient(rgb(128_128_128/0.18)_25%,transparent_0_50%,rgb(128_128_128/0.18)_0_75%,transparent_0)] bg-[length:16px_16px]";
