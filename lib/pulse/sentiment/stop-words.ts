// English stop words for "top terms": function words, pronouns, auxiliaries and the filler of
// social posts (rt, amp, via, lol…), so the list shows what people talk about.
export const STOP_WORDS: ReadonlySet<string> = new Set(
  `a about above after again against ain all also am an and any are aren as at be because been
  before being below between both but by can cannot could couldn did didn do does doesn doing don
  down during each even ever few for from further get gets got had hadn has hasn have haven having he
  her here hers herself him himself his how however i if im in into is isn it its itself ive just
  let lets like ll me might more most much must mustn my myself need no nor not now of off oh ok okay
  on once one only or other ought our ours ourselves out over own re really same say says she should
  shouldn so some still such than that thats the their theirs them themselves then there theres these
  they theyre this those though through to too under until up upon us ve very via was wasn we were
  weren what whats when where which while who whom why will with won would wouldn yeah yes yet you
  youd youll your youre yours yourself yourselves amp rt lol lmao omg gonna wanna gotta http https
  www com`
    .split(/\s+/)
    .filter(Boolean),
);
