/// English function words that carry no topic: articles, pronouns, auxiliaries, prepositions,
/// conjunctions and a few very common adverbs. Matched against lower-cased tokens before stemming.
public enum StopWords {
    public static let english: Set<String> = [
        "a", "about", "above", "after", "again", "against", "all", "almost", "alone", "along",
        "already", "also", "although", "always", "am", "among", "an", "and", "another", "any",
        "anyone", "anything", "are", "around", "as", "at", "be", "became", "because", "become",
        "been", "before", "being", "below", "between", "both", "but", "by", "can", "cannot",
        "could", "did", "do", "does", "doing", "done", "down", "during", "each", "either",
        "else", "enough", "etc", "even", "ever", "every", "for", "from", "further", "had",
        "has", "have", "having", "he", "her", "here", "hers", "herself", "him", "himself",
        "his", "how", "however", "i", "if", "in", "into", "is", "it", "it's", "its", "itself",
        "just", "let", "may", "me", "might", "more", "most", "much", "must", "my", "myself",
        "neither", "no", "nor", "not", "now", "of", "off", "often", "on", "once", "only",
        "onto", "or", "other", "others", "otherwise", "our", "ours", "ourselves", "out", "over",
        "own", "per", "perhaps", "rather", "same", "shall", "she", "should", "since", "so",
        "some", "such", "than", "that", "the", "their", "theirs", "them", "themselves", "then",
        "there", "therefore", "these", "they", "this", "those", "though", "through", "thus",
        "to", "too", "toward", "towards", "under", "until", "up", "upon", "us", "very", "via",
        "was", "we", "were", "what", "whatever", "when", "whenever", "where", "whether", "which",
        "while", "who", "whom", "whose", "why", "will", "with", "within", "without", "would",
        "yet", "you", "your", "yours", "yourself", "yourselves", "don't", "doesn't", "didn't",
        "isn't", "aren't", "wasn't", "weren't", "won't", "can't", "i'm", "i've", "we're", "we've",
        "they're", "that's", "there's", "what's",
    ]
}
