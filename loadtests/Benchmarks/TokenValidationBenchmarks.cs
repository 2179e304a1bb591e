using System.Security.Claims;
using System.Text;
using BenchmarkDotNet.Attributes;
using Gateway.Transforms.Tenancy;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Gateway.Benchmarks;

/// <summary>
/// <see cref="TenantTokenValidator"/>: a token seen for the first time (HS256 signature, claims, lifetime) and a
/// token already accepted (the per-request cost for a client that reuses its token).
/// </summary>
[MemoryDiagnoser]
public class TokenValidationBenchmarks
{
    // More distinct tokens than the validator remembers (50,000), so cycling through them always misses its cache.
    private const int DistinctTokens = 60_000;
    private string[] _tokens = [];
    private string _header = "";
    private TenantTokenValidator _validator = null!;
    private int _next;

    [GlobalSetup]
    public async Task Setup()
    {
        var handler = new JsonWebTokenHandler();
        var key = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(BenchSettings.SigningKey)), SecurityAlgorithms.HmacSha256);
        var now = DateTime.UtcNow;
        _tokens = new string[DistinctTokens];
        for (var i = 0; i < DistinctTokens; i++)
        {
            _tokens[i] = handler.CreateToken(new SecurityTokenDescriptor
            {
                Issuer = "bench",
                Audience = "rag-platform",
                IssuedAt = now,
                NotBefore = now,
                Expires = now.AddHours(2),
                Claims = new Dictionary<string, object> { ["sub"] = $"user-{i}", ["tenant_id"] = "acme" },
                Subject = new ClaimsIdentity(),
                SigningCredentials = key,
            });
        }

        _header = "Bearer " + _tokens[0];
        _validator = new TenantTokenValidator(new BenchSettings(), TimeProvider.System);
        if ((await _validator.ValidateHeaderAsync(_header)).Principal is null)
        {
            throw new InvalidOperationException("benchmark token does not validate");
        }
    }

    [Benchmark(Description = "token: first sight (signature + claims)")]
    public ValueTask<TokenCheck> FirstSight()
    {
        var token = _tokens[_next];
        _next = (_next + 1) % DistinctTokens;
        return _validator.ValidateAsync(token);
    }

    [Benchmark(Baseline = true, Description = "token: cached (Authorization header)")]
    public ValueTask<TokenCheck> Cached() => _validator.ValidateHeaderAsync(_header);
}
