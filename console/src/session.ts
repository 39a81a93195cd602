// Who is signed in, and what the console offers them. One cookie serves every role: the
// homemaking sign-in (`POST /v1/token`) and the mobilization one (`POST /user`) both set it.
import { RequestError, task, v1 } from "./api";

/** The company's audit queue: its designers' drafts waiting for it. */
export const COMPANY_QUEUE = "/v1/design/company/processes";

export interface Session {
  nickname: string;
  admin: boolean;
  company: boolean;
  /** A mobilization commander (their `/task/info` answers). */
  commander: boolean;
}

interface Profile {
  nickname: string;
}

/** Whether a read the role alone may make answers (403 means the user lacks the role). */
async function allowed(read: () => Promise<unknown>): Promise<boolean> {
  try {
    await read();
    return true;
  } catch (error) {
    if (error instanceof RequestError && error.status < 500) return false;
    throw error;
  }
}

/** The signed-in user, or `null` when no live session exists. What they may do is asked
 *  of the API itself (roles are read from the user record on every request), by one
 *  bounded read per area. */
export async function currentSession(): Promise<Session | null> {
  let profile: Profile;
  try {
    profile = await v1<Profile>("GET", "/v1/user");
  } catch (error) {
    if (error instanceof RequestError && (error.status === 401 || error.status === 403)) return null;
    throw error;
  }
  const [admin, company, commander] = await Promise.all([
    allowed(() => v1("GET", "/v1/admin/credential?page=1&count=1")),
    allowed(() => v1("GET", COMPANY_QUEUE + "?page=1&count=1")),
    allowed(() => task("GET", "/task/info")),
  ]);
  return { nickname: profile.nickname, admin, company, commander };
}

export type SignInAs = "platform" | "commander";

/** Signs in with a credential pair: platform users and companies at `/v1/token`, members
 *  of the mobilization directory at `/user`. Both leave the `token` cookie. */
export async function signIn(as: SignInAs, iCode: string, orderNo: string): Promise<void> {
  const body = { i_code: iCode.trim(), order_no: Number(orderNo.trim()) };
  if (!Number.isSafeInteger(body.order_no) || body.order_no <= 0) {
    throw new RequestError("order_no 须为正整数", 400);
  }
  if (as === "platform") await v1("POST", "/v1/token", body);
  else await task("POST", "/user", body);
}

/** Ends every session of the user and clears the cookie. */
export async function signOut(): Promise<void> {
  await task("DELETE", "/user");
}
