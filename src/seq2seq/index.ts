// Encoder-decoder (seq2seq) models with attention, and their vocabulary.
export { Vocabulary, PAD, BOS, EOS, UNK, type VocabularyOptions, type VocabularyJSON, type VocabularyLevel } from './vocab.js';
export {
  Seq2Seq, type Seq2SeqOptions, type Seq2SeqCell, type Seq2SeqAttention, type LossOptions, type LossResult,
  type TranslateOptions, type Seq2SeqTrainOptions, type Seq2SeqEpochSummary, type DecoderState, type TeacherForcingSchedule,
} from './model.js';
export { Translator, SEQ2SEQ_FILES, type TextHypothesis } from './translator.js';
