import type { JSX } from "preact";
import { useState } from "preact/hooks";
import { go, useRoute } from "./route";
import { currentSession, signIn, signOut, type Session, type SignInAs } from "./session";
import { ErrorNote, Field, Progress, useAction, useLoad } from "./ui";
import { ServiceQueue } from "./admin/services";
import { RefundQueue } from "./admin/refunds";
import { RatingQueue } from "./admin/ratings";
import { DesignTaskQueue } from "./admin/design-tasks";
import { PlatformAudits, CompanyAudits } from "./design/audits";
import { Categories } from "./admin/categories";
import { Credentials } from "./admin/credentials";
import { DirectoryImport } from "./admin/directory";
import { PublishTask } from "./commander/publish";
import { TaskList } from "./commander/tasks";
import { TaskDetail } from "./commander/detail";

interface View {
  route: string;
  title: string;
  show: (session: Session) => boolean;
  page: () => JSX.Element;
}

/** Every view the navigation offers, who sees it, and what it shows. */
const VIEWS: View[] = [
  { route: "/admin/services", title: "服务审核", show: (s) => s.admin, page: () => <ServiceQueue /> },
  { route: "/admin/refunds", title: "退款执行", show: (s) => s.admin, page: () => <RefundQueue /> },
  { route: "/admin/ratings", title: "评价管理", show: (s) => s.admin, page: () => <RatingQueue /> },
  { route: "/admin/design-tasks", title: "设计任务审核", show: (s) => s.admin, page: () => <DesignTaskQueue /> },
  { route: "/admin/design-audits", title: "凭证审核", show: (s) => s.admin, page: () => <PlatformAudits /> },
  { route: "/admin/categories", title: "服务分类", show: (s) => s.admin, page: () => <Categories /> },
  { route: "/admin/credentials", title: "登录凭证", show: (s) => s.admin, page: () => <Credentials /> },
  { route: "/admin/directory", title: "民兵目录导入", show: (s) => s.admin, page: () => <DirectoryImport /> },
  { route: "/company/audits", title: "设计稿审核", show: (s) => s.company, page: () => <CompanyAudits /> },
  { route: "/tasks/new", title: "发布任务", show: (s) => s.commander, page: () => <PublishTask /> },
  { route: "/tasks/working", title: "进行中的任务", show: (s) => s.commander, page: () => <TaskList kind="working" /> },
  { route: "/tasks/done", title: "已完成的任务", show: (s) => s.commander, page: () => <TaskList kind="done" /> },
];

function Page({ route, session }: { route: string; session: Session }) {
  const detail = route.match(/^\/tasks\/(\d+)$/);
  if (detail && session.commander) return <TaskDetail id={Number(detail[1])} />;
  const view = VIEWS.find((v) => v.route === route && v.show(session));
  return view ? view.page() : <Home session={session} />;
}

function Home({ session }: { session: Session }) {
  const views = VIEWS.filter((view) => view.show(session));
  return (
    <section>
      <h1>欢迎，{session.nickname}</h1>
      {views.length === 0 ? (
        <p class="muted">此账号没有可用的管理功能。</p>
      ) : (
        <p class="muted">请从菜单选择要处理的事项。</p>
      )}
    </section>
  );
}

function SignIn({ onSignedIn }: { onSignedIn: () => void }) {
  const [as, setAs] = useState<SignInAs>("platform");
  const [iCode, setICode] = useState("");
  const [orderNo, setOrderNo] = useState("");
  const action = useAction();
  const submit = (event: Event) => {
    event.preventDefault();
    action.run(async () => {
      await signIn(as, iCode, orderNo);
      onSignedIn();
    });
  };
  return (
    <main class="signin">
      <h1>管理控制台</h1>
      <form onSubmit={submit} aria-label="登录">
        <fieldset>
          <legend>登录身份</legend>
          <label class="inline">
            <input type="radio" name="as" checked={as === "platform"} onChange={() => setAs("platform")} />
            平台管理员 / 设计公司
          </label>
          <label class="inline">
            <input type="radio" name="as" checked={as === "commander"} onChange={() => setAs("commander")} />
            民兵指挥员
          </label>
        </fieldset>
        <Field label="识别码（i_code）">
          <input name="i_code" autocomplete="username" required value={iCode} onInput={(e) => setICode(e.currentTarget.value)} />
        </Field>
        <Field label="订单号（order_no）">
          <input
            name="order_no"
            type="password"
            inputMode="numeric"
            autocomplete="current-password"
            required
            value={orderNo}
            onInput={(e) => setOrderNo(e.currentTarget.value)}
          />
        </Field>
        <ErrorNote message={action.error} />
        <button type="submit" disabled={action.busy}>
          {action.busy ? "登录中…" : "登录"}
        </button>
      </form>
    </main>
  );
}

export function App() {
  const route = useRoute();
  const session = useLoad(currentSession, []);
  const leave = useAction();
  const [menuOpen, setMenuOpen] = useState(false);

  let body;
  if (session.loading && session.data === undefined) {
    body = <p class="muted" role="status">加载中…</p>;
  } else if (session.error) {
    body = <ErrorNote message={session.error} />;
  } else if (!session.data) {
    body = <SignIn onSignedIn={session.reload} />;
  } else {
    const who = session.data;
    body = (
      <div class="shell">
        <header>
          <button type="button" class="menu" aria-expanded={menuOpen} aria-controls="nav" onClick={() => setMenuOpen(!menuOpen)}>
            菜单
          </button>
          <strong>管理控制台</strong>
          <span class="who">{who.nickname}</span>
          <button
            type="button"
            disabled={leave.busy}
            onClick={() =>
              leave.run(async () => {
                await signOut();
                go("/");
                session.reload();
              })
            }
          >
            退出登录
          </button>
        </header>
        <nav id="nav" class={menuOpen ? "open" : ""} aria-label="功能菜单" onClick={() => setMenuOpen(false)}>
          {VIEWS.filter((view) => view.show(who)).map((view) => (
            <a href={`#${view.route}`} aria-current={route === view.route ? "page" : undefined}>
              {view.title}
            </a>
          ))}
        </nav>
        <main>
          <ErrorNote message={leave.error} />
          <Page route={route} session={who} />
        </main>
      </div>
    );
  }
  return (
    <>
      <Progress />
      {body}
    </>
  );
}
