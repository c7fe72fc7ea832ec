// Names, streets and towns for a clinic near Lyon. Common surnames repeat as
// they do in France (a Zipf-like head); most people carry rarer names.
import type { Rng } from './prng.ts';

const COMMON =
  `Martin Bernard Thomas Petit Robert Richard Durand Dubois Moreau Laurent Simon Michel Lefebvre Leroy Roux David Bertrand Morel Fournier Girard Bonnet Dupont Lambert Fontaine Rousseau Vincent Muller Lefevre Faure Andre Mercier Blanc Guerin Boyer Garnier Chevalier Francois Legrand Gauthier Garcia Perrin Robin Clement Morin Nicolas Henry Roussel Mathieu Gautier Masson Marchand Duval Denis Dumont Marie Lemaire Noel Meyer Dufour Meunier Brun Blanchard Giraud Joly Riviere Lucas Brunet Gaillard Barbier Arnaud Martinez Gerard Roche Renard Schmitt Roy Leroux Colin Vidal Caron Picard Roger Fabre Aubert Lemoine Renaud Dumas Lacroix Olivier Philippe Bourgeois Pierre Benoit Rey Leclerc Payet Rolland Leclercq Guillaume Lecomte Lopez Jean Dupuy Guillot Hubert Berger Carpentier Sanchez Dupuis Moulin Louis Deschamps Huet Vasseur Perez Boucher Fleury Royer Klein Jacquet Adam Paris Poirier Marty Aubry Guyot Carre Charles Renault Charpentier Menard Maillard Baron Bertin Bailly Herve Schneider Fernandez Collet Leger Bouvier Julien Prevost Millet Perrot Daniel Cousin Germain Breton Besson Langlois Remy Pelletier Leveque Perrier Leblanc Barre Lebrun Marchal Weber Mallet Hamon Boulanger Jacob Monnier Michaud Rodriguez Guichard Gillet Etienne Poulain Tessier Chauvin Bouchet Gay Lemaitre Benard Marechal Humbert Reynaud Antoine Perret Barthelemy Cordier Pichon Lejeune Gilbert Lamy Delaunay Pasquier Carlier Laporte`.split(
    /\s+/,
  );
const COMPOUND = ['Le Gall', 'Le Goff', 'Le Roux', 'Da Silva', 'De Oliveira', 'Le Bihan', 'Saint-Martin'];
const START = [
  'Bel',
  'Char',
  'Dou',
  'Gro',
  'Mar',
  'Bou',
  'Ver',
  'Tal',
  'Ros',
  'Pel',
  'Cha',
  'Gui',
  'Fer',
  'Lac',
  'Mon',
  'Bor',
  'Cas',
  'Des',
  'Lan',
  'Ric',
  'Sau',
  'Tou',
  'Vil',
  'Bra',
  'Cor',
  'Dal',
  'Gar',
  'Jou',
  'Lar',
  'Mal',
  'Per',
  'Rou',
  'Sal',
  'Tes',
  'Val',
  'Bes',
  'Cha',
  'Fou',
  'Hu',
  'Mau',
];
const MIDDLE = ['', '', 'a', 'e', 'i', 'o', 'ar', 'er', 'il', 'ou', 'an', 'on'];
const END = [
  'in',
  'et',
  'ot',
  'ard',
  'and',
  'ier',
  'on',
  'eau',
  'elle',
  'ac',
  'at',
  'ens',
  'ieu',
  'oux',
  'aud',
  'ey',
  'as',
  'ez',
  'ic',
  'ais',
];

export const GIVEN_F =
  `Marie Nathalie Isabelle Sylvie Catherine Christine Sophie Sandrine Valérie Céline Julie Camille Léa Manon Chloé Emma Inès Sarah Laura Pauline Anne Claire Aurélie Émilie Élodie Caroline Audrey Mélanie Lucie Jeanne Louise Alice Lina Zoé Mathilde Hélène Martine Françoise Monique Nicole Brigitte Agnès Véronique Patricia Laurence Florence Virginie Juliette Margaux Clara`.split(
    /\s+/,
  );
export const GIVEN_M =
  `Jean Pierre Michel Philippe Alain Nicolas Christophe Patrick Laurent Frédéric Sébastien Stéphane David Julien Olivier Thomas Éric Pascal Daniel Bernard François Vincent Guillaume Antoine Maxime Alexandre Hugo Lucas Louis Gabriel Arthur Jules Léo Paul Raphaël Mathis Nathan Théo Romain Quentin Benjamin Mathieu Cédric Jérôme Marc André Henri Yves Serge Gilles`.split(
    /\s+/,
  );

export const STREETS = [
  'rue de la République',
  'avenue Jean Jaurès',
  'rue Victor Hugo',
  'rue Pasteur',
  'rue du Moulin',
  'place de l’Église',
  'rue des Écoles',
  'rue de la Gare',
  'avenue du Général Leclerc',
  'rue Jules Ferry',
  'boulevard des Belges',
  'rue Garibaldi',
  'cours Lafayette',
  'rue Paul Bert',
  'rue Jean Moulin',
  'rue des Lilas',
  'chemin des Vignes',
  'rue Anatole France',
  'avenue de la Libération',
  'rue du Stade',
  'impasse des Tilleuls',
  'rue Émile Zola',
  'rue de Verdun',
  'rue Voltaire',
  'allée des Peupliers',
  'rue du 8 Mai 1945',
  'rue des Fleurs',
  'rue Louis Pasteur',
  'rue de la Paix',
  'route de Lyon',
  'rue Gambetta',
  'rue Carnot',
  'avenue Berthelot',
  'rue Marietton',
  'rue Duguesclin',
  'rue Vendôme',
  'rue Sully',
  'quai Saint-Vincent',
  'rue Servient',
  'rue Paul Verlaine',
  'rue des Cerisiers',
  'montée du Château',
  'rue de Belleville',
  'rue Nationale',
  'rue Roland',
  'avenue de l’Europe',
  'rue des Remparts',
  'rue de la Mairie',
  'rue du Collège',
  'rue Saint-Exupéry',
];

export interface Town {
  city: string;
  postcode: string;
  weight: number;
}
export const TOWNS: Town[] = [
  { city: 'Lyon', postcode: '69003', weight: 10 },
  { city: 'Lyon', postcode: '69007', weight: 8 },
  { city: 'Lyon', postcode: '69008', weight: 8 },
  { city: 'Lyon', postcode: '69006', weight: 6 },
  { city: 'Villeurbanne', postcode: '69100', weight: 10 },
  { city: 'Bron', postcode: '69500', weight: 5 },
  { city: 'Vénissieux', postcode: '69200', weight: 6 },
  { city: 'Caluire-et-Cuire', postcode: '69300', weight: 4 },
  { city: 'Villefranche-sur-Saône', postcode: '69400', weight: 9 },
  { city: 'Gleizé', postcode: '69400', weight: 3 },
  { city: 'Anse', postcode: '69480', weight: 3 },
  { city: 'Belleville-en-Beaujolais', postcode: '69220', weight: 3 },
  { city: 'Arnas', postcode: '69400', weight: 2 },
  { city: 'Limas', postcode: '69400', weight: 2 },
];

const commonWeights = COMMON.map((_, i) => 1 / Math.pow(i + 1, 0.7));

export function surname(rng: Rng): string {
  const r = rng.next();
  if (r < 0.4) return rng.weighted(COMMON, commonWeights);
  if (r < 0.42) return rng.pick(COMPOUND);
  return rng.pick(START) + rng.pick(MIDDLE) + rng.pick(END);
}

export function givenName(rng: Rng, sex: 'F' | 'M'): string {
  return rng.pick(sex === 'F' ? GIVEN_F : GIVEN_M);
}

export function address(rng: Rng): { addressLine: string; postcode: string; city: string } {
  const town = rng.weighted(
    TOWNS,
    TOWNS.map((t) => t.weight),
  );
  const number = rng.int(1, 120);
  const suffix = rng.chance(0.04) ? ' bis' : '';
  return { addressLine: `${number}${suffix} ${rng.pick(STREETS)}`, postcode: town.postcode, city: town.city };
}

/** Same street, another number. */
export function sameStreet(rng: Rng, a: { addressLine: string; postcode: string; city: string }) {
  const street = a.addressLine.replace(/^\d+( bis)? /, '');
  const current = Number(a.addressLine.match(/^\d+/)?.[0] ?? 0);
  let number = rng.int(1, 150);
  if (number === current) number += 2;
  return { addressLine: `${number} ${street}`, postcode: a.postcode, city: a.city };
}
