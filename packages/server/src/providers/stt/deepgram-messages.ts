/**
 * The server messages of Deepgram's live API that the adapter uses, read from the text frames
 * (https://developers.deepgram.com/reference/speech-to-text-api/listen-streaming, "Receive"):
 *
 *   {"type":"Results","start":1.02,"duration":0.98,"is_final":true,"speech_final":true,
 *    "from_finalize":false,"channel":{"alternatives":[{"transcript":"hello there",
 *    "confidence":0.98,"words":[{"word":"hello","punctuated_word":"Hello","start":1.04,"end":1.3,…}]}]}}
 *   {"type":"SpeechStarted","channel":[0],"timestamp":0.94}
 *   {"type":"UtteranceEnd","channel":[0,1],"last_word_end":2.39}
 *   {"type":"Metadata","request_id":"…","duration":12.5,"channels":1,…}
 *
 * Times are seconds of the audio sent on this socket; they become milliseconds here. Anything
 * else (unknown types, malformed JSON) is null and ignored: Deepgram adds message types over
 * time, and a transcript must not be lost to one the adapter does not know.
 */
export type DeepgramMessage =
  | {
      type: 'Results';
      isFinal: boolean;
      speechFinal: boolean;
      fromFinalize: boolean;
      transcript: string;
      confidence: number | undefined;
      /** End of the audio this result covers (`start + duration`), ms of this socket's audio. */
      endMs: number;
      words: { text: string; startMs: number; endMs: number }[];
    }
  | { type: 'SpeechStarted'; timestampMs: number }
  | { type: 'UtteranceEnd'; lastWordEndMs: number }
  | { type: 'Metadata'; duration: number };

interface RawWord {
  word?: unknown;
  punctuated_word?: unknown;
  start?: unknown;
  end?: unknown;
}

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const ms = (seconds: unknown): number => Math.round(num(seconds) * 1000);

export function parseDeepgramMessage(data: Buffer | string): DeepgramMessage | null {
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(typeof data === 'string' ? data : data.toString('utf8'));
  } catch {
    return null;
  }
  if (raw === null || typeof raw !== 'object') return null;
  switch (raw.type) {
    case 'Results': {
      const channel = raw.channel as { alternatives?: Record<string, unknown>[] } | undefined;
      const alt = channel?.alternatives?.[0] ?? {};
      const words = Array.isArray(alt.words) ? (alt.words as RawWord[]) : [];
      return {
        type: 'Results',
        isFinal: raw.is_final === true,
        speechFinal: raw.speech_final === true,
        fromFinalize: raw.from_finalize === true,
        transcript: typeof alt.transcript === 'string' ? alt.transcript : '',
        confidence: typeof alt.confidence === 'number' ? alt.confidence : undefined,
        endMs: ms(num(raw.start) + num(raw.duration)),
        words: words.map((w) => ({
          // smart_format puts punctuation and capitals in `punctuated_word`; the transcript has them too.
          text: String(w.punctuated_word ?? w.word ?? ''),
          startMs: ms(w.start),
          endMs: ms(w.end),
        })),
      };
    }
    case 'SpeechStarted':
      return { type: 'SpeechStarted', timestampMs: ms(raw.timestamp) };
    case 'UtteranceEnd':
      return { type: 'UtteranceEnd', lastWordEndMs: ms(raw.last_word_end) };
    case 'Metadata':
      return { type: 'Metadata', duration: num(raw.duration) };
    default:
      return null;
  }
}
