// Whose skills a plan removes, by name: shown on the Plan screen and again in Apply's confirmation,
// so the typed "remove" is given knowing who loses what.
import type { PlanRowView } from "../bindings/PlanRowView";
import type { PlanView } from "../bindings/PlanView";
import { formatCount, formatValue } from "../format";
import { AgentCell, SkillCell } from "./Names";

export function RemovalList({ plan }: { plan: PlanView }) {
  const total = plan.summary.remove;
  // Grouped by agent (sorted by who, then by skill): "who loses what" reads down one agent at a time.
  const who = (r: PlanRowView) => r.agent_label ?? r.agent;
  const shown = [...plan.removals].sort((a, b) => who(a).localeCompare(who(b)) || (a.skill_label ?? a.skill).localeCompare(b.skill_label ?? b.skill));
  const perAgent = new Map<string, number>();
  for (const r of shown) perAgent.set(who(r), (perAgent.get(who(r)) ?? 0) + 1);
  const agents = perAgent.size;
  return (
    <section className="card card-remove" aria-labelledby="removal-title" data-testid="removal-list">
      <h2 id="removal-title">
        Removes {formatCount(total)} skill {total === 1 ? "assignment" : "assignments"}
        {shown.length === total && ` from ${formatCount(agents)} ${agents === 1 ? "agent" : "agents"}`}
      </h2>
      <div className="table-wrap" tabIndex={0} role="region" aria-labelledby="removal-title">
        <table className="table">
          <thead>
            <tr>
              <th scope="col" className="col-agent">
                Agent
              </th>
              <th scope="col" className="col-skill">
                Skill
              </th>
              <th scope="col" className="num">
                Level now
              </th>
            </tr>
          </thead>
          <tbody>
            {shown.map((r, i) => (
              <tr key={`${r.line}-${i}`} data-testid="removal-row">
                {(i === 0 || who(shown[i - 1]!) !== who(r)) && (
                  <td rowSpan={perAgent.get(who(r))} className="removal-agent" data-testid="removal-agent">
                    <AgentCell agent={r.agent} label={r.agent_label} />
                  </td>
                )}
                <td>
                  <SkillCell skill={r.skill} label={r.skill_label} />
                </td>
                <td className="num">{formatValue(r.before)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {shown.length < total && <p className="muted small">The first {formatCount(shown.length)} of {formatCount(total)}; the Remove tab below lists every one.</p>}
    </section>
  );
}
