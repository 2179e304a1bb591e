using System.Diagnostics;
using Gateway.Transforms.Caching.Semantic.Guard;

namespace Gateway.Tests.Caching.Semantic.Guard;

public sealed class DetailGuardTests
{
    private static GuardVerdict Check(string query, string stored) =>
        DetailGuard.Check(DetailExtractor.Extract(query), DetailExtractor.Extract(stored));

    [Theory]
    [InlineData("what is our refund policy?", "What's the refund policy")]
    [InlineData("refund policy please", "what is our refund policy?")]
    [InlineData("How do I map a network drive on Windows?", "map network drive windows")]
    [InlineData("HOW DO I RESET MY PASSWORD", "how do i reset my password")]
    [InlineData("How Do I Reset My Password", "how do I reset my password?")]
    [InlineData("What was revenue in Q3 2024?", "revenue for the third quarter of 2024")]
    [InlineData("What's new in version 2.4?", "what is new in v2.4")]
    [InlineData("Does Acme support single sign-on?", "is SSO supported in Acme")]
    [InlineData("How do I roll back a deployment?", "rollback a deployment")]
    [InlineData("Why is my Outlook not syncing?", "Outlook isn't syncing, why?")]
    [InlineData("Approval limit for purchases over $5,000", "approval limit for purchases over $5000")]
    [InlineData("Who signs contracts above $100k?", "who signs contracts above $100,000")]
    [InlineData("Where can I find prod logs", "Where are the production logs?")]
    [InlineData("change email signiture", "How can I change my email signature?")]
    [InlineData("What's the on-call rotation?", "how does the on call rotation work")]
    [InlineData("Can I work from home on Fridays?", "can I work from home on friday")]
    public void Check_Paraphrase_Allows(string query, string stored) =>
        Assert.Equal(GuardVerdict.Allowed, Check(query, stored));

    [Theory]
    [InlineData("What is our refund policy in the EU?", "What is our refund policy in the US?")]
    [InlineData("refund policy germany", "refund policy france")]
    [InlineData("What was our Q3 revenue?", "What was our Q4 revenue?")]
    [InlineData("Does the API v1 support pagination?", "Does the API v2 support pagination?")]
    [InlineData("What are the company holidays in 2024?", "What are the company holidays in 2025?")]
    [InlineData("approval limit over $5,000", "approval limit over $50,000")]
    [InlineData("Which invoices are overdue?", "Which invoices are not overdue?")]
    [InlineData("Why is my Outlook not syncing?", "Why is my Outlook syncing?")]
    [InlineData("Revenue last quarter", "Revenue this quarter")]
    [InlineData("Are we SOC 2 Type I certified?", "Are we SOC 2 Type II certified?")]
    [InlineData("Can I work from home on Fridays?", "Can I work from home on Mondays?")]
    [InlineData("Why did the build fail on March 3?", "Why did the build fail on March 13?")]
    [InlineData("How do I connect Acme to Salesforce?", "How do I connect Acme to HubSpot?")]
    [InlineData("What is the per diem for New York?", "what is the per diem for chicago")]
    public void Check_DifferentDetail_RefusesAsDetailMismatch(string query, string stored) =>
        Assert.Equal(GuardVerdict.DetailMismatch, Check(query, stored));

    [Theory]
    [InlineData("How do I enable debug logging?", "How do I disable debug logging?")]
    [InlineData("How do I deploy to staging?", "How do I deploy to production?")]
    [InlineData("Can I take unpaid leave?", "Can I take paid leave?")]
    [InlineData("Is revenue higher than last year?", "Is revenue lower than last year?")]
    public void Check_OppositeContrast_RefusesAsContrastConflict(string query, string stored) =>
        Assert.Equal(GuardVerdict.ContrastConflict, Check(query, stored));

    [Theory]
    [InlineData("How many sick days do I get?", "How many vacation days do I get?")]
    [InlineData("How long are backups kept?", "How long are logs kept?")]
    [InlineData("What is the maternity leave policy?", "What is the paternity leave policy?")]
    public void Check_SwappedNoun_RefusesAsSubstitution(string query, string stored) =>
        Assert.Equal(GuardVerdict.Substitution, Check(query, stored));

    [Fact]
    public void Check_IsSymmetric()
    {
        Assert.Equal(Check("refund policy in the EU", "refund policy in the US"), Check("refund policy in the US", "refund policy in the EU"));
        Assert.Equal(Check("what is our refund policy?", "refund policy please"), Check("refund policy please", "what is our refund policy?"));
    }

    [Fact]
    public void Extract_AmountQuarterAndFiscalYear_AreCanonicalDetails()
    {
        var details = DetailExtractor.Extract("What's the approval limit for purchases over $5,000 in Q3 FY24?").Details;

        Assert.Contains("usd", details);
        Assert.Contains("5000", details);
        Assert.Contains("q3", details);
        Assert.Contains("2024", details);
    }

    [Fact]
    public void Extract_SentenceInitialCapital_IsNotAnEntity()
    {
        var details = DetailExtractor.Extract("Explain the expense policy").Details;

        Assert.Empty(details);
    }

    [Fact]
    public void Extract_Negation_IsADetail()
    {
        Assert.NotEmpty(DetailExtractor.Extract("which services don't run on kubernetes").Details);
        Assert.Empty(DetailExtractor.Extract("which services run on kubernetes").Details);
    }

    [Fact]
    public void ExtractAndCheck_TypicalQuery_TakesMicroseconds()
    {
        const int Iterations = 2_000;
        for (var i = 0; i < 100; i++)
        {
            Check("What is our refund policy in the EU for orders over $500?", "refund policy EU orders above $500 please");
        }

        var started = Stopwatch.GetTimestamp();
        for (var i = 0; i < Iterations; i++)
        {
            Check("What is our refund policy in the EU for orders over $500?", "refund policy EU orders above $500 please");
        }

        var perPair = Stopwatch.GetElapsedTime(started) / Iterations;

        // Two extractions and a check; generous bound for a loaded 2-core machine and a Debug build.
        Assert.True(perPair < TimeSpan.FromMilliseconds(0.5), $"guard took {perPair.TotalMicroseconds:0} us per pair");
    }

    [Theory]
    [InlineData("Is the cafeteria open on Saturdays?", "Is the cafeteria open late on Saturdays?")]
    [InlineData("When is the enrollment deadline?", "When is the late enrollment deadline?")]
    [InlineData("Does the plan cover emergency dental care?", "Does the plan cover dental care?")]
    public void Check_AddedQualifier_RefusedUnlessLenient(string query, string stored)
    {
        // Arrange
        var (q, s) = (DetailExtractor.Extract(query), DetailExtractor.Extract(stored));

        // Act / Assert: either side may carry the qualifier.
        Assert.Equal(GuardVerdict.AddedQualifier, DetailGuard.Check(q, s));
        Assert.Equal(GuardVerdict.AddedQualifier, DetailGuard.Check(q, s, GuardStrictness.Strict));
        Assert.Equal(GuardVerdict.Allowed, DetailGuard.Check(q, s, GuardStrictness.Lenient));
    }

    [Theory]
    [InlineData("how do I book a train ticket for work", "How do I book a train ticket?")]
    [InlineData("how can I quickly print a shipping label", "How do I print a shipping label?")]
    public void Check_ExtraWordQualifyingNothingShared_AllowedUnlessStrict(string query, string stored)
    {
        // Arrange
        var (q, s) = (DetailExtractor.Extract(query), DetailExtractor.Extract(stored));

        // Act / Assert
        Assert.Equal(GuardVerdict.Allowed, DetailGuard.Check(q, s));
        Assert.Equal(GuardVerdict.AddedQualifier, DetailGuard.Check(q, s, GuardStrictness.Strict));
    }

    [Fact]
    public void Check_SpelledOutPeriodBeforeSharedWord_RefusedByBalanced()
    {
        // Arrange: a paraphrase the balanced guard pays for (pairs.json, kind date-format).
        var (q, s) = (DetailExtractor.Extract("gross margin for fiscal year 2023"), DetailExtractor.Extract("What was the gross margin in FY2023?"));

        // Act / Assert
        Assert.Equal(GuardVerdict.AddedQualifier, DetailGuard.Check(q, s));
        Assert.Equal(GuardVerdict.Allowed, DetailGuard.Check(q, s, GuardStrictness.Lenient));
    }
}
