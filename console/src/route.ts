// The page shown is the location's hash (`#/admin/services`), so every view has its own
// address, survives a reload, and needs nothing from the server but /console.
import { useEffect, useState } from "preact/hooks";

export function useRoute(): string {
  const read = () => location.hash.replace(/^#/, "") || "/";
  const [route, setRoute] = useState(read);
  useEffect(() => {
    const changed = () => setRoute(read());
    addEventListener("hashchange", changed);
    return () => removeEventListener("hashchange", changed);
  }, []);
  return route;
}

export function go(route: string) {
  location.hash = route;
}
