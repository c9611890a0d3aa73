"""Importers for files: mbox now; maildir, vcf, ics and chat exports to follow."""
