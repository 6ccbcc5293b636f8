"""Award history (lịch sử thi đua, khen thưởng) of every person and collective: yearly ratings,
titles, innovations, awards and open cases, imported from the province's lists or decided in
the system; searchable with or without diacritics; personal data masked and its reads audited."""
