using System.Text;
using Gateway.Transforms.Caching.Semantic.Matching;

namespace Gateway.Tests.Caching.Semantic.Matching;

public sealed class SemanticRequestTextTests
{
    private static (bool Ok, string Text, string Remainder) Extract(string json, string jsonPointer)
    {
        Assert.True(SemanticRequestText.TryParsePointer(jsonPointer, out var segments));
        var ok = SemanticRequestText.TryExtract(Encoding.UTF8.GetBytes(json), segments, out var text, out var rest);
        return (ok, text, Encoding.UTF8.GetString(rest));
    }

    [Fact]
    public void TryExtract_TopLevelQuery_ReturnsTextAndBodyWithNull()
    {
        var (ok, text, remainder) = Extract("""{"collection":"hr","query":"refund \"policy\"","top_k":5}""", "/query");

        Assert.True(ok);
        Assert.Equal("refund \"policy\"", text);
        Assert.Equal("""{"collection":"hr","query":null,"top_k":5}""", remainder);
    }

    [Fact]
    public void TryExtract_NestedArrayPointer_FindsElement()
    {
        var (ok, text, _) = Extract("""{"messages":[{"content":"hi"},{"role":"user","content":"refund policy"}]}""", "/messages/1/content");

        Assert.True(ok);
        Assert.Equal("refund policy", text);
    }

    [Fact]
    public void TryExtract_EscapedPointer_MatchesSlashAndTilde()
    {
        Assert.True(Extract("""{"a/b":{"c~d":"x"}}""", "/a~1b/c~0d").Ok);
    }

    [Theory]
    [InlineData("""{"question":"x"}""")]
    [InlineData("""{"query":5}""")]
    [InlineData("""{"query":"x" """)]
    [InlineData("not json")]
    [InlineData("""["query"]""")]
    public void TryExtract_NoStringAtPointer_Fails(string json) =>
        Assert.False(Extract(json, "/query").Ok);

    [Theory]
    [InlineData("")]
    [InlineData("query")]
    [InlineData("/a~2")]
    public void TryParsePointer_Malformed_Fails(string jsonPointer) =>
        Assert.False(SemanticRequestText.TryParsePointer(jsonPointer, out _));

    [Fact]
    public void TryExtract_BodiesDifferingOnlyInText_GiveSameRest()
    {
        var a = Extract("""{"query":"what is our refund policy?","collection":"hr"}""", "/query").Remainder;
        var b = Extract("""{"query":"refund policy please","collection":"hr"}""", "/query").Remainder;
        var c = Extract("""{"query":"refund policy please","collection":"legal"}""", "/query").Remainder;

        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }
}
