// The `timeline-reaction` setting: the reaction that adds a discussion comment to the timeline, or none.
import * as z from 'zod';

/** GitHub's reaction set, as the REST API names it. */
export const REACTIONS = ['+1', '-1', 'laugh', 'confused', 'heart', 'hooray', 'rocket', 'eyes'] as const;
export type Reaction = (typeof REACTIONS)[number];
export const DEFAULT_TIMELINE_REACTION: Reaction = 'rocket';

export const timelineReactionSchema = z.enum([...REACTIONS, 'none'], {
  error: `timeline-reaction must be one of GitHub's reactions (${REACTIONS.join(', ')}), or none`,
});

export function normalizeTimelineReaction(raw: Reaction | 'none' | undefined): { timelineReaction?: Reaction } {
  return raw === 'none' ? {} : { timelineReaction: raw ?? DEFAULT_TIMELINE_REACTION };
}
