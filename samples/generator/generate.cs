// Moda synthetic sample generator (.NET 10 file-based app, no packages).
//
//   dotnet run samples/generator/generate.cs -- --layout default --rows 3000 --out samples/quickstart/children.csv
//   dotnet run samples/generator/generate.cs -- --layout hubei --out samples/hubei
//
// Every number comes from a self-implemented xoshiro256** generator (seeded through SplitMix64)
// and only IEEE-754 basic arithmetic (+ - * / sqrt, Math.Round, ScaleB), never System.Random or
// the platform's libm (exp, log, cos): the output is byte-identical on every machine and .NET
// version for the same arguments. Rows are formatted straight into a byte buffer (ASCII digits),
// so millions of rows stream to disk at hundreds of MB per second.
//
// The data are SYNTHETIC. See samples/README.md for the layouts and the column dictionary.

using System.Diagnostics;
using System.Globalization;
using System.Text;

const ulong DefaultSeed = 20140218; // the Wuhan launch meeting of the Hubei pilot, 18 Feb 2014

string? layout = null, outPath = null;
long rows = -1;
ulong seed = DefaultSeed;
for (var i = 0; i < args.Length; i++)
{
    var a = args[i];
    string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{a} needs a value");
    try
    {
        switch (a)
        {
            case "--layout": layout = Next(); break;
            case "--rows": rows = long.Parse(Next(), NumberStyles.Integer, CultureInfo.InvariantCulture); break;
            case "--out": outPath = Next(); break;
            case "--seed": seed = ulong.Parse(Next(), NumberStyles.Integer, CultureInfo.InvariantCulture); break;
            case "-h" or "--help": Usage(Console.Out); return 0;
            default: throw new ArgumentException($"unknown argument '{a}'");
        }
    }
    catch (Exception e) when (e is ArgumentException or FormatException or OverflowException)
    {
        Console.Error.WriteLine($"generate: {e.Message}");
        Usage(Console.Error);
        return 2;
    }
}

if (layout is not ("default" or "hubei") || outPath is null)
{
    Usage(Console.Error);
    return 2;
}
if (rows == -1)
{
    rows = layout == "hubei" ? 4000 : 0;
}
if (rows < (layout == "hubei" ? 32 : 1) || rows > int.MaxValue)
{
    Console.Error.WriteLine("generate: --rows must be between 1 (hubei: 32) and 2147483647; --layout default requires it");
    return 2;
}

var sw = Stopwatch.StartNew();
string written;
if (layout == "default")
{
    written = Path.GetFullPath(outPath);
    DefaultLayout.Write(written, (int)rows, seed);
}
else
{
    Directory.CreateDirectory(outPath);
    written = Path.GetFullPath(Path.Combine(outPath, "children.csv"));
    HubeiLayout.Write(written, (int)rows, seed);
    File.WriteAllText(Path.Combine(outPath, "moda.json"), HubeiLayout.Config.ReplaceLineEndings("\n"), new UTF8Encoding(false));
}
Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"generate: {layout}, {rows} rows, seed {seed} -> {written} ({new FileInfo(written).Length} bytes, {sw.Elapsed.TotalSeconds:F2} s)"));
return 0;

static void Usage(TextWriter w) => w.WriteLine("""
    usage: dotnet run samples/generator/generate.cs -- --layout default --rows N --out file.csv [--seed S]
           dotnet run samples/generator/generate.cs -- --layout hubei [--rows N] --out dir [--seed S]
      default: the default-profile layout (eight 0/1 dimension columns + weight, age, county, stratum, psu)
      hubei:   raw MICS-like child survey (dir/children.csv, default 4000 rows) + dir/moda.json
      seed defaults to 20140218
    """);

/// <summary>xoshiro256** 1.0 (Blackman and Vigna), state filled by SplitMix64.</summary>
sealed class Rng
{
    private ulong s0, s1, s2, s3;

    public Rng(ulong seed)
    {
        var x = seed;
        s0 = SplitMix(ref x);
        s1 = SplitMix(ref x);
        s2 = SplitMix(ref x);
        s3 = SplitMix(ref x);
    }

    private static ulong SplitMix(ref ulong x)
    {
        var z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    public ulong NextU64()
    {
        var result = ulong.RotateLeft(s1 * 5, 7) * 9;
        var t = s1 << 17;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = ulong.RotateLeft(s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double U() => (NextU64() >> 11) * (1.0 / 9007199254740992.0);

    /// <summary>Integer in [0, n) (Lemire's multiply-shift, bias below 2^-32).</summary>
    public int Below(int n) => (int)(((NextU64() >> 32) * (ulong)n) >> 32);

    public bool Chance(double p) => U() < p;

    /// <summary>Approximately standard normal: Irwin-Hall sum of four uniforms, rescaled (only + and *).</summary>
    public double Normal() => (U() + U() + U() + U() - 2.0) * 1.7320508075688772;

    /// <summary>Liability-threshold model: latent a*L + sqrt(1-a^2)*e above t.</summary>
    public bool Risk(double latent, double a, double t) => a * latent + Math.Sqrt(1 - a * a) * Normal() > t;
}

static class Det
{
    /// <summary>exp(x) from basic arithmetic only (libm results may differ between platforms).</summary>
    public static double Exp(double x)
    {
        const double Ln2 = 0.6931471805599453;
        var n = Math.Round(x / Ln2);
        var r = x - n * Ln2;
        var sum = 1.0;
        for (var k = 14; k >= 1; k--)
        {
            sum = 1.0 + sum * r / k;
        }
        return Math.ScaleB(sum, (int)n);
    }

    /// <summary>Row counts per PSU: every PSU at least one row, sizes vary by a factor 0.6-1.4.</summary>
    public static int[] PsuSizes(Rng rng, int rows, int psus)
    {
        var w = new double[psus];
        var total = 0.0;
        for (var j = 0; j < psus; j++)
        {
            w[j] = 0.6 + 0.8 * rng.U();
            total += w[j];
        }
        var sizes = new int[psus];
        var extra = rows - psus;
        var cum = 0.0;
        long prev = 0;
        for (var j = 0; j < psus; j++)
        {
            cum += w[j];
            var end = j == psus - 1 ? extra : (long)Math.Floor(extra * (cum / total));
            sizes[j] = 1 + (int)(end - prev);
            prev = end;
        }
        return sizes;
    }
}

/// <summary>Buffered ASCII writer that formats numbers itself (invariant by construction).</summary>
sealed class CsvOut : IDisposable
{
    public const int Empty = int.MinValue;
    public const int NA = int.MinValue + 1;

    private readonly FileStream stream;
    private readonly byte[] buf = new byte[1 << 20];
    private int pos;

    public CsvOut(string path)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(dir))
        {
            Directory.CreateDirectory(dir);
        }
        stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.SequentialScan);
    }

    private void Ensure(int n)
    {
        if (pos + n > buf.Length)
        {
            stream.Write(buf, 0, pos);
            pos = 0;
        }
    }

    public void Bytes(ReadOnlySpan<byte> b)
    {
        Ensure(b.Length);
        b.CopyTo(buf.AsSpan(pos));
        pos += b.Length;
    }

    public void Comma()
    {
        Ensure(1);
        buf[pos++] = (byte)',';
    }

    public void NewLine()
    {
        Ensure(1);
        buf[pos++] = (byte)'\n';
    }

    public void Digit(int d)
    {
        Ensure(1);
        buf[pos++] = (byte)('0' + d);
    }

    public void Long(long v)
    {
        Ensure(21);
        if (v < 0)
        {
            buf[pos++] = (byte)'-';
            v = -v;
        }
        Span<byte> tmp = stackalloc byte[20];
        var n = 0;
        do
        {
            tmp[n++] = (byte)('0' + (int)(v % 10));
            v /= 10;
        } while (v != 0);
        while (n > 0)
        {
            buf[pos++] = tmp[--n];
        }
    }

    /// <summary>Fixed-point: value / 10^decimals with exactly that many decimals, e.g. 12345,2 -> 123.45.</summary>
    public void Fixed(long scaled, int decimals)
    {
        if (scaled < 0)
        {
            Ensure(1);
            buf[pos++] = (byte)'-';
            scaled = -scaled;
        }
        long pow = 1;
        for (var i = 0; i < decimals; i++)
        {
            pow *= 10;
        }
        Long(scaled / pow);
        Ensure(1 + decimals);
        buf[pos++] = (byte)'.';
        var frac = scaled % pow;
        for (var p = pow / 10; p >= 1; p /= 10)
        {
            buf[pos++] = (byte)('0' + (int)(frac / p % 10));
        }
    }

    /// <summary>An integer cell, or the missing markers Empty (nothing) and NA.</summary>
    public void Cell(int v)
    {
        if (v == Empty)
        {
            return;
        }
        if (v == NA)
        {
            Bytes("NA"u8);
            return;
        }
        Long(v);
    }

    public void Dispose()
    {
        stream.Write(buf, 0, pos);
        pos = 0;
        stream.Dispose();
    }
}

static class Counties
{
    public static readonly string[] Names = ["Yangxin", "Tongshan", "Wufeng", "Xuan'en", "Dawu", "Luotian", "Yunyang", "Baokang"];

    public static readonly byte[][] Bytes = Names.Select(Encoding.ASCII.GetBytes).ToArray();

    // Latent poverty shift per county (higher = poorer): the mountainous Wuling/Qinba blocks poorer.
    public static readonly double[] Shift = [0.05, -0.10, 0.30, 0.35, 0.10, 0.00, 0.25, -0.05];
}

/// <summary>
/// The default-profile layout: eight 0/1 dimension columns (1 = deprived) plus design columns.
/// Deprivations follow a liability-threshold model on a latent poverty factor
/// L = stratum shift + county shift + PSU effect + household effect, so they are correlated.
/// </summary>
static class DefaultLayout
{
    private static readonly string[] Dimensions = ["nutrition", "health", "education", "information", "water", "sanitation", "housing", "protection"];

    // Loading on the latent factor and threshold per dimension (rates about 10-45%).
    private static readonly double[] Load = [0.55, 0.50, 0.50, 0.60, 0.60, 0.65, 0.60, 0.50];
    private static readonly double[] Threshold = [0.85, 1.08, 1.22, 1.35, 0.58, 0.25, 0.47, 0.92];
    // Household-level dimensions are identical for all children of a household.
    private static readonly bool[] Household = [false, false, false, true, true, true, true, false];

    // Stratum type shift: urban, then four rural zones (plain, hill, mountain, remote mountain).
    private static readonly double[] TypeShift = [-0.70, -0.05, 0.10, 0.30, 0.45];

    public static void Write(string path, int rows, ulong seed)
    {
        var rng = new Rng(seed);
        int psus, strata;
        if (rows >= 100_000)
        {
            strata = 40;
            psus = rows / 200;
        }
        else
        {
            psus = Math.Min(rows, Math.Max(4, rows / 100));
            strata = Math.Clamp(psus / 5, 1, 40);
        }

        var sizes = Det.PsuSizes(rng, rows, psus);
        var noise = new double[Load.Length];
        for (var d = 0; d < Load.Length; d++)
        {
            noise[d] = Math.Sqrt(1 - Load[d] * Load[d]);
        }

        using var o = new CsvOut(path);
        o.Bytes("id,"u8);
        o.Bytes(Encoding.ASCII.GetBytes(string.Join(',', Dimensions)));
        o.Bytes(",weight,age,county,stratum,psu\n"u8);

        var hhValue = new int[Dimensions.Length];
        long id = 0;
        for (var j = 0; j < psus; j++)
        {
            // Contiguous blocks of PSUs per stratum (each stratum gets floor or ceil of psus/strata >= 2).
            var s = (int)((long)j * strata / psus);
            int county, type;
            if (strata >= 8)
            {
                county = s % 8;
                type = s / 8 % TypeShift.Length;
            }
            else
            {
                county = j % 8;
                type = s % TypeShift.Length;
            }
            var psuLatent = TypeShift[type] + Counties.Shift[county] + 0.55 * rng.Normal();
            var psuWeight = 60 + 290 * rng.U();
            var countyBytes = Counties.Bytes[county];

            var left = sizes[j];
            while (left > 0)
            {
                var kids = Math.Min(left, 1 + rng.Below(3));
                left -= kids;
                var latent = psuLatent + 0.70 * rng.Normal();
                var weightCents = (long)Math.Round(Math.Clamp(psuWeight * (0.85 + 0.3 * rng.U()), 50, 400) * 100);
                for (var d = 0; d < Dimensions.Length; d++)
                {
                    if (Household[d])
                    {
                        hhValue[d] = Cell(rng, Load[d] * latent + noise[d] * rng.Normal() > Threshold[d]);
                    }
                }

                for (var c = 0; c < kids; c++)
                {
                    o.Long(++id);
                    for (var d = 0; d < Dimensions.Length; d++)
                    {
                        o.Comma();
                        o.Cell(Household[d] ? hhValue[d] : Cell(rng, Load[d] * latent + noise[d] * rng.Normal() > Threshold[d]));
                    }
                    o.Comma();
                    o.Fixed(weightCents, 2);
                    o.Comma();
                    o.Long(rng.Below(18));
                    o.Comma();
                    o.Bytes(countyBytes);
                    o.Comma();
                    o.Long(s + 1);
                    o.Comma();
                    o.Long(j + 1);
                    o.NewLine();
                }
            }
        }
    }

    /// <summary>0/1, or missing in about 1.5% of cells (half empty, half NA).</summary>
    private static int Cell(Rng rng, bool deprived)
    {
        var u = rng.U();
        if (u < 0.015)
        {
            return u < 0.0075 ? CsvOut.Empty : CsvOut.NA;
        }
        return deprived ? 1 : 0;
    }
}

/// <summary>
/// A synthetic child-level survey of the eight Hubei pilot counties with raw MICS-like variables.
/// Sixteen strata (county x residence), about ten PSUs each, households of 1-3 children.
/// </summary>
static class HubeiLayout
{
    private const int E = CsvOut.Empty;
    private const int NA = CsvOut.NA;

    public static void Write(string path, int rows, ulong seed)
    {
        var rng = new Rng(seed);
        const int Strata = 16;
        var psus = Math.Min(rows, Math.Max(2 * Strata, (int)Math.Round(rows / 25.0)));
        var sizes = Det.PsuSizes(rng, rows, psus);

        using var o = new CsvOut(path);
        o.Bytes("child_id,hh_id,county,residence,stratum,psu,hh_weight,sex,age,age_months,haz,dpt3,measles,attending_school,grade_for_age_gap,has_tv,has_radio,has_phone,has_computer,has_internet,water_source,water_minutes,toilet_type,toilet_shared,hh_members,sleeping_rooms,floor_natural,birth_registered,child_labour,left_behind,income_pc\n"u8);

        long childId = 0, hhId = 0;
        for (var j = 0; j < psus; j++)
        {
            // Stratum code = 2 * county index + residence + 1: odd = urban, even = rural.
            var s = (int)((long)j * Strata / psus);
            var county = s / 2;
            var rural = s % 2 == 1;
            var psuLatent = Counties.Shift[county] + (rural ? 0.45 : -0.45) + 0.5 * rng.Normal();
            // Rural PSUs represent more children: unequal weights.
            var psuWeight = rural ? 150 + 250 * rng.U() : 60 + 140 * rng.U();

            var left = sizes[j];
            while (left > 0)
            {
                var h = Household.Draw(rng, psuLatent, rural, psuWeight);
                var kids = Math.Min(left, h.Kids);
                left -= kids;
                hhId++;
                for (var c = 0; c < kids; c++)
                {
                    WriteChild(o, rng, ++childId, hhId, county, rural, s + 1, j + 1, h);
                }
            }
        }
    }

    private sealed class Household
    {
        public double Latent;
        public int Kids, WeightCents, Tv, Radio, Phone, Computer, Internet, WaterSource, WaterMinutes;
        public int ToiletType, ToiletShared, Members, Rooms, FloorNatural, LeftBehind, Income;

        public static Household Draw(Rng rng, double psuLatent, bool rural, double psuWeight)
        {
            var h = new Household();
            var l = psuLatent + 0.75 * rng.Normal();
            h.Latent = l;
            h.Kids = 1 + rng.Below(rural ? 3 : 2);
            h.WeightCents = (int)Math.Round(psuWeight * (0.85 + 0.3 * rng.U()) * 100);

            h.LeftBehind = Miss(rng, 0.005, rng.Risk(l, 0.3, rural ? 0.60 : 1.70) ? 1 : 0);
            var adults = h.LeftBehind == 1 ? 1 + rng.Below(2) : 2 + rng.Below(3);
            h.Members = h.Kids + adults;

            // Information: some households have none of the five; the rest own assets by wealth.
            if (rng.Risk(l, 0.6, 1.45))
            {
                h.Tv = h.Phone = h.Computer = h.Internet = 0;
                h.Radio = rng.Chance(0.1) ? 1 : 0;
            }
            else
            {
                h.Tv = rng.Risk(l, 0.5, 1.3) ? 0 : 1;
                h.Radio = rng.Risk(l, 0.2, -0.8) ? 0 : 1;
                h.Phone = rng.Risk(l, 0.5, 1.5) ? 0 : 1;
                h.Computer = rng.Risk(l, 0.6, rural ? -0.9 : -0.2) ? 0 : 1;
                h.Internet = rng.Risk(l, 0.6, rural ? -0.3 : 0.4) ? 0 : 1;
            }
            // The asset module is missing as a whole (1%), or an item now and then (0.2%).
            if (rng.Chance(0.01))
            {
                h.Tv = h.Radio = h.Phone = h.Computer = h.Internet = rng.Chance(0.5) ? E : NA;
            }
            else
            {
                h.Tv = Miss(rng, 0.002, h.Tv);
                h.Radio = Miss(rng, 0.002, h.Radio);
                h.Phone = Miss(rng, 0.002, h.Phone);
                h.Computer = Miss(rng, 0.002, h.Computer);
                h.Internet = Miss(rng, 0.002, h.Internet);
            }

            // Water: a quality score walks down a ladder of MICS source codes.
            var w = 0.6 * l + 0.8 * rng.Normal();
            int source;
            if (rural)
            {
                source = w < -0.9 ? 11 : w < -0.3 ? 12 : w < 0.1 ? 13 : w < 0.4 ? 21 : w < 0.7 ? 31 : w < 0.95 ? 41
                    : w < 1.05 ? 51 : w < 1.12 ? 61 : w < 1.45 ? 32 : w < 1.8 ? 42 : 81;
            }
            else
            {
                source = w < 0.2 ? 11 : w < 0.9 ? 12 : w < 1.3 ? 13 : w < 1.7 ? 91 : w < 2.1 ? 21 : 32;
            }
            int minutes;
            if (source is 11 or 12 or 91)
            {
                minutes = 0;
            }
            else
            {
                var m = 12 + 12 * l + 10 * rng.Normal() + (source is 32 or 42 or 81 ? 12 : 0);
                minutes = (int)Math.Max(2, Math.Round(m / 5) * 5);
                if (rng.Chance(0.02))
                {
                    minutes = 998;
                }
            }
            h.WaterSource = Miss(rng, 0.005, source);
            h.WaterMinutes = Miss(rng, 0.005, minutes);

            // Sanitation: the same kind of ladder over MICS toilet codes.
            var t = 0.6 * l + 0.8 * rng.Normal();
            int toilet;
            if (rural)
            {
                toilet = t < -0.8 ? 12 : t < -0.3 ? 13 : t < 0.0 ? 21 : t < 0.35 ? 22 : t < 0.6 ? 31 : t < 0.95 ? 23
                    : t < 1.15 ? 41 : t < 1.3 ? 14 : t < 1.45 ? 51 : 95;
            }
            else
            {
                toilet = t < 0.5 ? 11 : t < 1.2 ? 12 : t < 1.6 ? 13 : t < 1.9 ? 22 : t < 2.2 ? 23 : 14;
            }
            h.ToiletType = Miss(rng, 0.005, toilet);
            h.ToiletShared = Miss(rng, 0.005, toilet == 95 ? 0 : rng.Risk(l, 0.3, 1.35) ? 1 : 0);

            // Housing.
            var rooms = (int)Math.Round(2.6 - 0.7 * l + 0.9 * rng.Normal());
            h.Rooms = Miss(rng, 0.005, Math.Clamp(rooms, 1, 6));
            h.FloorNatural = Miss(rng, 0.005, rng.Risk(l, 0.6, rural ? 1.0 : 2.0) ? 1 : 0);

            // Income per capita (yuan/year), lognormal; poverty line 2300.
            var logIncome = 8.38 - 0.5 * l + 0.45 * rng.Normal();
            h.Income = rng.Chance(0.03) ? NA : (int)Math.Round(Det.Exp(logIncome));
            return h;
        }
    }

    private static void WriteChild(CsvOut o, Rng rng, long childId, long hhId, int county, bool rural, int stratum, int psu, Household h)
    {
        var l = h.Latent + 0.3 * rng.Normal();
        var male = rng.Below(100) < 52;
        var age = rng.Below(18);
        var ageMonths = age * 12 + rng.Below(12);
        var young = age <= 5; // under-five modules are asked for the whole 0-5 age group
        var school = age >= 6;

        var haz = E;
        if (young && !rng.Chance(0.03))
        {
            var z = -0.55 - 0.55 * l + (age < 2 ? 0.25 : 0) + 1.0 * rng.Normal();
            haz = (int)Math.Round(Math.Clamp(z, -5.9, 5.9) * 10, MidpointRounding.AwayFromZero);
        }
        int dpt3 = E, measles = E, registered = E, attending = E, gap = E, labour = E;
        if (young)
        {
            dpt3 = rng.Chance(0.02) ? 9 : Miss(rng, 0.005, rng.Risk(l, 0.5, 1.45) ? 0 : 1);
            measles = Miss(rng, 0.005, rng.Risk(l, 0.5, 1.55) ? 0 : 1);
            registered = Miss(rng, 0.005, rng.Risk(l, 0.5, 1.6) ? 0 : 1);
        }
        if (school)
        {
            attending = Miss(rng, 0.005, rng.Risk(l, 0.5, age >= 15 ? 0.95 : age >= 12 ? 1.65 : 2.1) ? 0 : 1);
            var g = 0.5 * l + 0.85 * rng.Normal() + (age >= 10 ? 0.3 : 0);
            var behind = g < 0.9 ? 0 : g < 1.4 ? 1 : g < 1.9 ? 2 : g < 2.4 ? 3 : 4;
            gap = Miss(rng, 0.01, Math.Min(behind, age - 6));
        }
        if (age >= 5)
        {
            labour = Miss(rng, 0.01, rng.Risk(l, 0.5, age >= 12 ? 1.25 : 1.9) ? 1 : 0);
        }

        o.Long(childId); o.Comma();
        o.Long(hhId); o.Comma();
        o.Bytes(Counties.Bytes[county]); o.Comma();
        o.Bytes(rural ? "rural"u8 : "urban"u8); o.Comma();
        o.Long(stratum); o.Comma();
        o.Long(psu); o.Comma();
        o.Fixed(h.WeightCents, 2); o.Comma();
        o.Bytes(male ? "male"u8 : "female"u8); o.Comma();
        o.Long(age); o.Comma();
        o.Long(ageMonths); o.Comma();
        if (haz != E)
        {
            o.Fixed(haz, 1);
        }
        o.Comma();
        o.Cell(dpt3); o.Comma();
        o.Cell(measles); o.Comma();
        o.Cell(attending); o.Comma();
        o.Cell(gap); o.Comma();
        o.Cell(h.Tv); o.Comma();
        o.Cell(h.Radio); o.Comma();
        o.Cell(h.Phone); o.Comma();
        o.Cell(h.Computer); o.Comma();
        o.Cell(h.Internet); o.Comma();
        o.Cell(h.WaterSource); o.Comma();
        o.Cell(h.WaterMinutes); o.Comma();
        o.Cell(h.ToiletType); o.Comma();
        o.Cell(h.ToiletShared); o.Comma();
        o.Long(h.Members); o.Comma();
        o.Cell(h.Rooms); o.Comma();
        o.Cell(h.FloorNatural); o.Comma();
        o.Cell(registered); o.Comma();
        o.Cell(labour); o.Comma();
        o.Cell(h.LeftBehind); o.Comma();
        o.Cell(h.Income);
        o.NewLine();
    }

    /// <summary>The value, or with probability p a missing cell (empty or NA, half each).</summary>
    private static int Miss(Rng rng, double p, int value)
    {
        var u = rng.U();
        return u < p ? (u < p / 2 ? E : NA) : value;
    }

    public const string Config = """
        {
          // MODA configuration for the SYNTHETIC Hubei sample (children.csv in this folder).
          // Written by samples/generator/generate.cs; see samples/README.md for the column dictionary.
          "name": "Hubei pilot counties, synthetic sample",
          "weight": "hh_weight",
          "strata": "stratum",              // county x residence, 16 strata
          "cluster": "psu",
          "age": "age", "ageUnit": "years",
          "ageGroups": [ { "name": "0-5",  "min": 0, "max": 5 },
                         { "name": "6-17", "min": 6, "max": 17 } ],
          "missingValues": ["", "NA", "."],
          "missingRule": "union",
          "dimensions": [
            { "name": "nutrition",
              "indicators": [
                // Stunted: height-for-age z-score below -2 SD (measured for ages 0-5).
                { "name": "stunted", "column": "haz", "deprivedIf": "< -2", "ageGroups": ["0-5"] } ] },
            { "name": "health",
              "indicators": [
                // No third dose of DPT vaccine; 9 = "don't know" is missing.
                { "name": "no_dpt3", "column": "dpt3", "deprivedIf": "== 0", "ageGroups": ["0-5"], "missingValues": ["9"] },
                // Not vaccinated against measles.
                { "name": "no_measles", "column": "measles", "deprivedIf": "== 0", "ageGroups": ["0-5"] } ] },
            { "name": "education",
              "indicators": [
                // Not attending school (ages 6-17).
                { "name": "not_attending", "column": "attending_school", "deprivedIf": "== 0", "ageGroups": ["6-17"] },
                // Over-age: two or more years behind the expected grade for age.
                { "name": "over_age", "column": "grade_for_age_gap", "deprivedIf": ">= 2", "ageGroups": ["6-17"] } ] },
            { "name": "information",
              "indicators": [
                // No TV, radio, phone, computer or internet in the household.
                { "name": "no_media", "expr": "has_tv == 0 and has_radio == 0 and has_phone == 0 and has_computer == 0 and has_internet == 0" } ] },
            { "name": "water",
              "indicators": [
                // Unimproved source: unprotected well (32), unprotected spring (42), surface water (81).
                { "name": "unimproved_water", "column": "water_source", "deprivedIf": "in [32, 42, 81]" },
                // Water more than 30 minutes away (round trip); 998 = "don't know" is missing.
                { "name": "water_far", "column": "water_minutes", "deprivedIf": "> 30", "missingValues": ["998"] } ] },
            { "name": "sanitation",
              "indicators": [
                // Unimproved toilet: flush to open drain, open pit, bucket, hanging toilet, none.
                { "name": "unimproved_toilet", "column": "toilet_type", "deprivedIf": "in [14, 23, 41, 51, 95]" },
                // Toilet shared with other households.
                { "name": "shared_toilet", "column": "toilet_shared", "deprivedIf": "== 1" } ] },
            { "name": "housing",
              "indicators": [
                // Overcrowding: more than three household members per sleeping room.
                { "name": "crowded", "expr": "hh_members / sleeping_rooms > 3" },
                // Natural floor (earth, sand, dung).
                { "name": "natural_floor", "column": "floor_natural", "deprivedIf": "== 1" } ] },
            { "name": "protection",
              "indicators": [
                // Birth not registered (ages 0-5).
                { "name": "birth_not_registered", "column": "birth_registered", "deprivedIf": "== 0", "ageGroups": ["0-5"] },
                // Child labour (ages 6-17 here; the column is asked from age 5).
                { "name": "child_labour", "column": "child_labour", "deprivedIf": "== 1", "ageGroups": ["6-17"] },
                // Left behind: both parents migrated, child not in parental care.
                { "name": "left_behind", "column": "left_behind", "deprivedIf": "== 1" } ] }
          ],
          "groupBy": ["county", "residence", "sex"],
          // Rural minus urban and girls minus boys: differences with standard errors.
          "contrasts": [ { "column": "residence", "a": "rural", "b": "urban" },
                         { "column": "sex", "a": "female", "b": "male" } ],
          // Income poverty: household income per capita below the national line of 2300 yuan a year.
          "monetary": { "column": "income_pc", "deprivedIf": "< 2300" },
          "k": 3
        }

        """;
}
