namespace Gateway.IntegrationTests.Caching.Semantic;

/// <summary>Questions a RAG service gets, each in several wordings the detail guard accepts as the same question.</summary>
internal static class Intents
{
    /// <summary>Twelve intents, four phrasings each; the first is the canonical one.</summary>
    public static readonly string[][] All =
    [
        ["What is our refund policy?", "what's the refund policy", "refund policy please", "Can you explain the refund policy?"],
        ["How do I reset my password?", "how can i reset my password", "How to reset my password", "password reset steps"],
        ["How many vacation days do I get per year?", "how many days of vacation do I get each year", "vacation days per year", "How many vacation days per year do I get?"],
        ["What is the dress code?", "What's the dress code", "dress code please", "Explain the dress code"],
        ["How do I submit my timesheet?", "how to submit a timesheet", "submitting timesheets - how?", "Submit my timesheet: how?"],
        ["What is the parental leave policy?", "parental leave policy please", "what's our parental leave policy", "Tell me about the parental leave policy"],
        ["How do I connect to the VPN?", "how to connect to the VPN", "connecting to the VPN", "How can I connect to the VPN?"],
        ["Where can I find the expense policy?", "where is the expense policy", "find the expense policy", "expense policy location"],
        ["How do I book a meeting room?", "book meeting room how", "how to book a meeting room", "booking a meeting room"],
        ["What is the guest wifi password?", "guest wifi password please", "what's the guest wifi password", "Tell me the guest wifi password"],
        ["How do I order a new laptop?", "how to order a new laptop", "ordering a new laptop", "new laptop order steps"],
        ["What are the office opening hours?", "office opening hours", "what are the opening hours of the office", "Tell me the office opening hours"],
    ];

    /// <summary>The intent a phrasing belongs to; -1 for none.</summary>
    public static int Of(string? phrasing) => Array.FindIndex(All, intent => intent.Contains(phrasing));
}
