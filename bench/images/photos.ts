// The bench's photographs: every real photograph of at least 4 MP in Debian's wallpaper packages
// (bookworm). Debian ships only five photographs of 12 MP or more (the first five below): the
// other wallpaper packages hold illustrations and renders, which are not photographs. The bench
// takes the 20 largest and says how many reach 12 MP; nothing is upscaled.

export type Photo = { path: string; pkg: string };

const lomiri16 = (name: string): Photo => ({
  path: `/usr/share/backgrounds/${name}`,
  pkg: "lomiri-wallpapers-16.04",
});
const lomiri20 = (name: string): Photo => ({
  path: `/usr/share/backgrounds/${name}`,
  pkg: "lomiri-wallpapers-20.04",
});
const mate = (name: string): Photo => ({
  path: `/usr/share/backgrounds/mate/nature/${name}`,
  pkg: "mate-backgrounds",
});

export const PHOTOS: Photo[] = [
  lomiri20("Kleiber_by_Lukas_Baubkus.jpg"), // 20.4 MP, a nuthatch on a trunk
  lomiri20("Infinite-Sea_by_Aury88.jpg"), // 16.8 MP, the Milky Way over the sea (colour-graded)
  lomiri16("seeding_by_Clements_Engelhardt.jpg"), // 15.9 MP, dandelions at sunset
  lomiri16("Dragonfly_by_Bolly.jpg"), // 13.4 MP, leaves against the sky
  lomiri16("sunset_by_Aitzol_Berasategi.jpg"), // 12.2 MP, mountain sunset
  lomiri16("Bridge_by_Sander_Klootwijk.jpg"), // 10.7 MP
  lomiri16("Wine_by_Jakkub_Mede.jpg"), // 9.8 MP
  lomiri16("picosdeeuropa_by_Aitzol_Berasategi.jpg"), // 8.0 MP
  lomiri16("aitzgorri_by_Aitzol_Berasategi.jpg"), // 6.3 MP
  lomiri16("friends_by_Aitzol_Berasategi.jpg"), // 6.3 MP
  lomiri16("life_by_Aitzol_Berasategi.jpg"), // 6.3 MP
  lomiri16("analogpattern_by_Peter_Nerlich.jpg"), // 6.2 MP
  lomiri16("free_by_Peter_Nerlich.jpg"), // 6.2 MP
  lomiri16("greentock_by_Peter_Nerlich.jpg"), // 6.2 MP
  mate("Wood.jpg"), // 4.9 MP
  lomiri16("Picture_0B_by_freespace.jpg"), // 4.5 MP
  mate("Aqua.jpg"), // 4.1 MP
  mate("Garden.jpg"),
  mate("LadyBird.jpg"),
  mate("TwoWings.jpg"),
  mate("YellowFlower.jpg"),
];
