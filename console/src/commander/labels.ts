// The seed's task states, in its words.
export const TASK_STATUS: Record<string, string> = {
  zj: "征集中",
  jh: "集合中",
  zx: "执行中",
};

export const RESPONSE_STATUS: Record<string, string> = {
  UR: "未响应",
  AC: "已接受",
  RF: "已拒绝",
};

export const GATHER_STATUS: Record<string, string> = {
  CH: "已签到",
  UN: "未签到",
};

/** The seed's progress ratio (accepted ÷ wanted while recruiting, checked in ÷ accepted
 *  while gathering) as a percentage. */
export function percent(ratio: number | undefined): string {
  return ratio === undefined ? "—" : `${Math.round(ratio * 100)}%`;
}
