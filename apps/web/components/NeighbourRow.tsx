import { formatDistance } from '../lib/format';
import type { Image, Neighbour } from '../lib/graphql/types';
import { ImageTile } from './ImageTile';

interface NeighbourRowProps {
  /** Heading of the row, e.g. "10 nearest". */
  title: string;
  id: string;
  query: Image;
  neighbours: Neighbour[];
  /** Link of a result, which makes it the new query. */
  hrefFor: (image: Image) => string;
}

/** Renders the query image followed by its neighbours and their L2 distances, in one row. */
export function NeighbourRow({ title, id, query, neighbours, hrefFor }: NeighbourRowProps) {
  return (
    <section className="neighbour-row" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      <ol className="neighbour-list">
        <li className="neighbour-query">
          <ImageTile
            image={query}
            href={hrefFor(query)}
            linkLabel={`Query image ${query.id} (${query.labelName})`}
            detail="query"
            emphasis
          />
        </li>
        {neighbours.map((neighbour, index) => (
          <li key={neighbour.image.id}>
            <ImageTile
              image={neighbour.image}
              href={hrefFor(neighbour.image)}
              linkLabel={`Use image ${neighbour.image.id} (${neighbour.image.labelName}, distance ${formatDistance(neighbour.distance)}, rank ${index + 1}) as the query`}
              detail={`d = ${formatDistance(neighbour.distance)}`}
            />
          </li>
        ))}
      </ol>
    </section>
  );
}
