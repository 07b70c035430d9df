// What Skillsync read from the file: how it decoded it, how many rows, and the first of them, so the
// analyst can see at a glance that the right file opened the right way.
import type { FeedView } from "../bindings/FeedView";
import { describeDelimiter, formatCount } from "../format";

export function FeedFacts({ feed }: { feed: FeedView }) {
  return (
    <dl className="facts" data-testid="feed-facts">
      <div>
        <dt>File</dt>
        <dd data-testid="feed-name" title={feed.path}>
          {feed.file_name}
        </dd>
      </div>
      <div>
        <dt>{feed.sheet === null ? "Encoding" : "Format"}</dt>
        <dd data-testid="feed-encoding">{feed.encoding}</dd>
      </div>
      {feed.sheet === null ? (
        <div>
          <dt>Delimiter</dt>
          <dd data-testid="feed-delimiter">{describeDelimiter(feed.delimiter)}</dd>
        </div>
      ) : (
        <div>
          <dt>Sheet</dt>
          <dd data-testid="feed-sheet">{feed.sheet}</dd>
        </div>
      )}
      <div>
        <dt>Rows</dt>
        <dd data-testid="feed-rows">{formatCount(feed.rows)}</dd>
      </div>
    </dl>
  );
}

export function FeedSample({ feed }: { feed: FeedView }) {
  return (
    <div className="table-wrap" tabIndex={0} role="region" aria-label="The file’s first rows">
      <table className="table" data-testid="feed-sample">
        <caption className="table-caption">
          First {formatCount(feed.sample.length)} of {formatCount(feed.rows)} rows
        </caption>
        <thead>
          <tr>
            {feed.headers.map((h, i) => (
              <th key={`${i}-${h}`} scope="col">
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {feed.sample.map((row, r) => (
            <tr key={r}>
              {feed.headers.map((_, c) => (
                <td key={c}>{row[c] ?? ""}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
