using System.Collections.Frozen;

namespace Gateway.Transforms.Caching.Semantic.Guard;

/// <summary>Word lists behind the detail guard. English only; everything is lower case.</summary>
internal static class Lexicon
{
    /// <summary>
    /// Function words plus the words people add when they reword a question ("please", "explain",
    /// "steps", "process"): dropping them is what lets "refund policy please" equal "what is our refund policy?".
    /// </summary>
    public static readonly FrozenSet<string> StopWords = FrozenSet.ToFrozenSet(
    [
        "a", "an", "the", "and", "or", "of", "to", "in", "on", "at", "for", "by", "with", "from", "about", "into", "as", "via",
        "is", "are", "was", "were", "be", "been", "being", "am", "do", "does", "did", "doing", "done", "have", "has", "had", "having",
        "i", "me", "my", "mine", "we", "our", "ours", "us", "you", "your", "yours", "he", "she", "it", "its", "they", "their", "them",
        "this", "that", "these", "those", "what", "which", "who", "whom", "whose", "when", "where", "why", "how",
        "can", "could", "should", "would", "will", "shall", "may", "might", "must", "need", "needs", "want", "wants", "like",
        "please", "pls", "plz", "kindly", "thanks", "thank", "hi", "hello", "hey",
        "there", "here", "any", "some", "all", "each", "every", "per", "get", "gets", "got", "getting", "go", "going",
        "just", "really", "actually", "also", "then", "so", "if", "than", "exactly", "currently", "much", "many",
        "explain", "describe", "tell", "show", "steps", "step", "instructions", "instruction", "process", "procedure", "way", "ways",
        "possible", "okay", "ok", "able", "find", "locate", "know", "help", "guide", "info", "information", "details",
        "company", "someone", "anyone", "one", "thing", "things",
    ]);

    /// <summary>Words that flip an answer on their own.</summary>
    public static readonly FrozenSet<string> Negations = FrozenSet.ToFrozenSet(
        ["not", "no", "never", "without", "cannot", "none", "nobody", "nothing", "neither", "nor"]);

    /// <summary>Apostrophe-less contractions people type; mapped to their words before tokenising.</summary>
    public static readonly FrozenDictionary<string, string> BareContractions = new Dictionary<string, string>
    {
        ["whats"] = "what is", ["hows"] = "how is", ["wheres"] = "where is", ["whos"] = "who is",
        ["isnt"] = "is not", ["arent"] = "are not", ["wasnt"] = "was not", ["werent"] = "were not",
        ["dont"] = "do not", ["doesnt"] = "does not", ["didnt"] = "did not", ["hasnt"] = "has not", ["havent"] = "have not",
        ["shouldnt"] = "should not", ["couldnt"] = "could not", ["wouldnt"] = "would not", ["cant"] = "can not",
    }.ToFrozenDictionary();

    /// <summary>Cardinal number words; "one" is left out because "which one" is not a number.</summary>
    public static readonly FrozenDictionary<string, string> NumberWords = new Dictionary<string, string>
    {
        ["two"] = "2", ["three"] = "3", ["four"] = "4", ["five"] = "5", ["six"] = "6", ["seven"] = "7", ["eight"] = "8",
        ["nine"] = "9", ["ten"] = "10", ["eleven"] = "11", ["twelve"] = "12", ["fifteen"] = "15", ["twenty"] = "20",
        ["thirty"] = "30", ["forty"] = "40", ["fifty"] = "50", ["sixty"] = "60", ["ninety"] = "90", ["hundred"] = "100",
    }.ToFrozenDictionary();

    /// <summary>Ordinals that name a quarter or half: "third quarter" is Q3.</summary>
    public static readonly FrozenDictionary<string, string> PeriodOrdinals = new Dictionary<string, string>
    {
        ["first"] = "1", ["1st"] = "1", ["second"] = "2", ["2nd"] = "2", ["third"] = "3", ["3rd"] = "3", ["fourth"] = "4", ["4th"] = "4",
    }.ToFrozenDictionary();

    /// <summary>Month names and abbreviations. "may", "march" and "mar" count only when capitalised.</summary>
    public static readonly FrozenDictionary<string, string> Months = new Dictionary<string, string>
    {
        ["january"] = "january", ["jan"] = "january", ["february"] = "february", ["feb"] = "february",
        ["march"] = "march", ["mar"] = "march", ["april"] = "april", ["apr"] = "april", ["may"] = "may",
        ["june"] = "june", ["jun"] = "june", ["july"] = "july", ["jul"] = "july", ["august"] = "august", ["aug"] = "august",
        ["september"] = "september", ["sep"] = "september", ["sept"] = "september", ["october"] = "october", ["oct"] = "october",
        ["november"] = "november", ["nov"] = "november", ["december"] = "december", ["dec"] = "december",
    }.ToFrozenDictionary();

    public static readonly FrozenSet<string> AmbiguousLowerCaseMonths = FrozenSet.ToFrozenSet(["may", "march", "mar"]);

    /// <summary>Weekdays, singular and plural ("on Fridays").</summary>
    public static readonly FrozenDictionary<string, string> Weekdays = new Dictionary<string, string>
    {
        ["monday"] = "monday", ["mondays"] = "monday", ["tuesday"] = "tuesday", ["tuesdays"] = "tuesday",
        ["wednesday"] = "wednesday", ["wednesdays"] = "wednesday", ["thursday"] = "thursday", ["thursdays"] = "thursday",
        ["friday"] = "friday", ["fridays"] = "friday", ["saturday"] = "saturday", ["saturdays"] = "saturday",
        ["sunday"] = "sunday", ["sundays"] = "sunday", ["weekend"] = "weekend", ["weekends"] = "weekend",
    }.ToFrozenDictionary();

    /// <summary>"last quarter", "this year"...: relative periods are details because they move.</summary>
    public static readonly FrozenDictionary<string, string> RelativeModifiers = new Dictionary<string, string>
    {
        ["this"] = "this", ["current"] = "this", ["last"] = "last", ["previous"] = "last", ["prior"] = "last", ["past"] = "last",
        ["next"] = "next", ["coming"] = "next", ["upcoming"] = "next",
    }.ToFrozenDictionary();

    public static readonly FrozenSet<string> RelativeUnits = FrozenSet.ToFrozenSet(
        ["day", "week", "month", "quarter", "year", "fy", "half", "sprint", "release"]);

    public static readonly FrozenSet<string> RelativeWords = FrozenSet.ToFrozenSet(["yesterday", "today", "tomorrow", "ytd", "mtd", "qtd"]);

    /// <summary>
    /// Places written in lower case still count as details ("refund policy germany"). Upper-case forms
    /// are caught anyway as capitalised words or acronyms; "us" is not here because it is a pronoun.
    /// </summary>
    public static readonly FrozenSet<string> Places = FrozenSet.ToFrozenSet(
    [
        "eu", "emea", "apac", "latam", "amer", "americas", "europe", "asia", "africa", "oceania", "anz", "dach", "nordics", "benelux",
        "uk", "usa", "england", "scotland", "ireland", "germany", "france", "italy", "spain", "portugal", "netherlands", "belgium",
        "switzerland", "austria", "sweden", "norway", "denmark", "finland", "poland", "canada", "mexico", "brazil", "argentina",
        "china", "japan", "india", "singapore", "australia", "korea", "israel", "turkey", "russia", "ukraine", "uae",
    ]);

    /// <summary>
    /// Closed contrast sets: two queries that use different members of one set ask different things
    /// ("enable" vs "disable", "staging" vs "production"). Only a conflict refuses; a member on one
    /// side alone does not, since "maximum upload size" and "upload size" ask the same.
    /// </summary>
    public static readonly FrozenDictionary<string, string> Contrasts = BuildContrasts(new Dictionary<string, string[]>
    {
        ["direction:up"] = ["higher", "greater", "more", "above", "over", "exceed", "exceeds", "exceeded", "exceeding", "bigger", "larger", "increase", "increases", "increased", "raise"],
        ["direction:down"] = ["lower", "less", "fewer", "below", "under", "smaller", "decrease", "decreases", "decreased", "reduce", "reduced"],
        ["extreme:max"] = ["max", "maximum", "most", "highest", "largest", "biggest"],
        ["extreme:min"] = ["min", "minimum", "least", "lowest", "smallest"],
        ["bound:start"] = ["start", "starts", "begin", "begins", "beginning"],
        ["bound:end"] = ["end", "ends", "ending"],
        ["order:before"] = ["before"],
        ["order:after"] = ["after"],
        ["toggle:on"] = ["enable", "enabled", "enabling", "activate", "activated"],
        ["toggle:off"] = ["disable", "disabled", "disabling", "deactivate", "deactivated"],
        ["change:add"] = ["add", "adding", "create", "creating", "install", "installing", "grant", "granting"],
        ["change:remove"] = ["remove", "removing", "delete", "deleting", "uninstall", "uninstalling", "revoke", "revoking"],
        ["lock:lock"] = ["lock", "locked"],
        ["lock:unlock"] = ["unlock", "unlocked"],
        ["status:approve"] = ["approve", "approved", "approval"],
        ["status:reject"] = ["reject", "rejected", "rejection", "deny", "denied", "decline", "declined"],
        ["renewal:renew"] = ["renew", "renewed", "renewal", "renewals"],
        ["renewal:cancel"] = ["cancel", "cancelled", "canceled", "cancellation", "terminate", "terminated", "termination"],
        ["scope:include"] = ["include", "included", "includes", "including"],
        ["scope:exclude"] = ["exclude", "excluded", "excludes", "excluding"],
        ["flow:import"] = ["import", "importing", "upload", "uploading", "inbound"],
        ["flow:export"] = ["export", "exporting", "download", "downloading", "outbound"],
        ["visibility:internal"] = ["internal", "private"],
        ["visibility:external"] = ["external", "public"],
        ["pay:paid"] = ["paid"],
        ["pay:unpaid"] = ["unpaid"],
        ["pay:free"] = ["free"],
        ["amount:gross"] = ["gross"],
        ["amount:net"] = ["net"],
        ["frequency:hourly"] = ["hourly"],
        ["frequency:daily"] = ["daily"],
        ["frequency:weekly"] = ["weekly"],
        ["frequency:monthly"] = ["monthly"],
        ["frequency:quarterly"] = ["quarterly"],
        ["frequency:yearly"] = ["yearly", "annual", "annually"],
        ["environment:production"] = ["production", "prod", "live"],
        ["environment:staging"] = ["staging", "stage"],
        ["environment:development"] = ["development", "dev"],
        ["environment:sandbox"] = ["sandbox"],
        ["environment:qa"] = ["qa", "uat"],
        ["platform:mobile"] = ["mobile"],
        ["platform:desktop"] = ["desktop"],
        ["platform:web"] = ["web", "browser"],
        ["time:full"] = ["fulltime"],
        ["time:part"] = ["parttime"],
    });

    private static FrozenDictionary<string, string> BuildContrasts(Dictionary<string, string[]> groups)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (value, words) in groups)
        {
            foreach (var word in words)
            {
                map.Add(word, value);
            }
        }

        return map.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
