using System.Globalization;

namespace FhirAdapter.Generation;

/// <summary>Fictional but well-formed NPIs: nine digits and the Luhn check digit over the 80840 prefix.</summary>
internal static class Npi
{
    public static string From(int nineDigits)
    {
        var body = nineDigits.ToString("D9", CultureInfo.InvariantCulture);
        var sum = 24; // the Luhn contribution of the 80840 prefix, as the NPI standard defines it
        for (var i = 0; i < 9; i++)
        {
            var digit = body[8 - i] - '0';
            if (i % 2 == 0)
            {
                digit *= 2;
                if (digit > 9)
                {
                    digit -= 9;
                }
            }

            sum += digit;
        }

        return body + ((10 - (sum % 10)) % 10).ToString(CultureInfo.InvariantCulture);
    }
}
