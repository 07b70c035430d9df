import { initialState, NO_REMOVALS, reducer, type State } from "../state";
import { feed, planView } from "../test/backend";

describe("state", () => {
  const opened = (state: State, undo = false) => reducer(state, { type: "feedOpened", feed: feed(), undo });

  it("starts every feed without removal options, whatever the last feed had", () => {
    let s = opened(initialState);
    s = reducer(s, { type: "planOptionsChanged", options: { allow_remove: true, remove_unlisted: true } });
    expect(opened(s).planOptions).toEqual(NO_REMOVALS);
  });

  it("opens an undo file with only what a rollback needs: removal rows, never removing the unlisted", () => {
    let s = opened(initialState);
    s = reducer(s, { type: "planOptionsChanged", options: { allow_remove: false, remove_unlisted: true } });
    const rollback = opened(s, true);
    expect(rollback.planOptions).toEqual({ allow_remove: true, remove_unlisted: false });
    expect(rollback.source).toMatchObject({ kind: "feed", rollback: true });
  });

  it("keeps the source the plan is made from: the feed and its template, or the approved plan", () => {
    let s = opened(initialState);
    expect(s.source).toMatchObject({ kind: "feed", fileName: feed().file_name, template: null });
    s = reducer(s, { type: "templateLoaded", mapping: s.mapping!, name: "nightly" });
    expect(s.source).toMatchObject({ kind: "feed", template: "nightly" });
    const approved = planView({
      approved: { file_name: "a.json", path: "/p/a.json", created_at: "2026-12-05T10:00:00Z", tenant: "Org", feed: "levels.csv" },
    });
    s = reducer(s, { type: "approvedPlanOpened", plan: approved });
    expect(s.source).toEqual({ kind: "approved", fileName: "a.json", path: "/p/a.json", createdAt: "2026-12-05T10:00:00Z", tenant: "Org", feed: "levels.csv" });
    // A feed opened afterwards is the source again.
    expect(opened(s).source).toMatchObject({ kind: "feed" });
  });
});
